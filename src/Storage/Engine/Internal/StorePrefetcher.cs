using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using FASTER.core;

namespace Expothesis.Fast.Storage.Engine.Internal;

/// <summary>
/// Software prefetch for the unit-state store. A FASTER operation on a cold key stalls twice on memory: on
/// its hash-index bucket (64 bytes at <c>hash &amp; mask</c> of an index bigger than any cache) and on its
/// record in the log. The shards know a batch's keys in advance, so they ask for both lines several records
/// ahead (bucket first, then, once the bucket is cached, the record its tag points to) and the operation
/// finds them in cache.
/// FASTER 2.6.5 exposes no prefetch, so the index and page table are read from its internals through
/// accessors emitted once; if they are not there (another FASTER version) prefetching is off and
/// nothing else changes. Only the index bucket (read while the store's epoch is held, and FASTER never moves
/// it: the index is not grown) is ever loaded; a record address is only prefetched, which cannot fault.
/// </summary>
internal sealed unsafe class StorePrefetcher
{
    // FASTER's HashBucketEntry: address in bits 0-47, tag in bits 48-61; the tag is the hash's top 14 bits.
    private const int TagShift = 48;
    private const long TagMask = (1L << 14) - 1;
    private const int HashTagShift = 64 - 14;
    private const long AddressMask = (1L << 48) - 1;
    private const int EntriesPerBucket = 7;

    private static readonly Accessors? Fields = Accessors.TryCreate();

    private readonly FasterKV<UnitKey, UnitValue> _kv;
    private readonly object _log;
    private readonly long* _pages;
    private readonly int _pageBits;
    private readonly long _pageMask;
    private readonly long _bufferMask;
    private long* _table;
    private long _tableMask;
    private long _head;

    private StorePrefetcher(FasterKV<UnitKey, UnitValue> kv, Accessors fields)
    {
        _kv = kv;
        _log = fields.Log(kv);
        _pages = (long*)fields.Pages(_log);
        _pageBits = fields.PageBits(_log);
        _pageMask = fields.PageMask(_log);
        _bufferMask = fields.BufferMask(_log);
    }

    /// <summary>A prefetcher for <paramref name="kv"/>, or null where prefetching is not possible.</summary>
    public static StorePrefetcher? TryCreate(FasterKV<UnitKey, UnitValue> kv)
    {
        if (Fields is null || !Sse.IsSupported)
        {
            return null;
        }
        try
        {
            return new StorePrefetcher(kv, Fields);
        }
        catch (Exception e) when (e is InvalidProgramException or NullReferenceException or InvalidCastException)
        {
            return null;
        }
    }

    /// <summary>Reads the current index and log head; call inside the store's epoch, before a run of prefetches.</summary>
    public void Refresh()
    {
        var fields = Fields!;
        _table = (long*)fields.Table(_kv, out _tableMask);
        _head = fields.Head(_log);
    }

    /// <summary>
    /// Backs the hash index with transparent huge pages where the OS allows it (Linux, THP in <c>madvise</c> or
    /// <c>always</c> mode): an index bigger than the caches is otherwise a TLB miss per operation on top of the
    /// cache miss. Best effort; returns the bytes advised (0 when nothing was done).
    /// </summary>
    public long AdviseHugePages()
    {
        long table = Fields!.Table(_kv, out long mask);
        return HugePages.Advise(table, (mask + 1) * 64);
    }

    /// <summary>Asks for the index bucket of <paramref name="hash"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Bucket(long hash)
    {
        if (_table != null)
        {
            Sse.Prefetch0(_table + ((hash & _tableMask) << 3));
        }
    }

    /// <summary>Asks for the in-memory record the bucket of <paramref name="hash"/> points to (its bucket should be cached by now).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Record(long hash)
    {
        long* bucket = _table;
        if (bucket == null)
        {
            return;
        }
        bucket += (hash & _tableMask) << 3;
        long tag = (long)((ulong)hash >> HashTagShift);
        for (int i = 0; i < EntriesPerBucket; i++)
        {
            long word = bucket[i];
            if (((word >> TagShift) & TagMask) == tag)
            {
                long address = word & AddressMask;
                if (address >= _head)
                {
                    Sse.Prefetch0((byte*)_pages[(address >> _pageBits) & _bufferMask] + (address & _pageMask));
                }
                return;
            }
        }
    }

    /// <summary>Emitted readers of FASTER's non-public fields (FasterBase.state, resizeInfo; the allocator's page table).</summary>
    private sealed class Accessors
    {
        public required Func<FasterKV<UnitKey, UnitValue>, object> Log { get; init; }
        public required TableReader Table { get; init; }
        public required Func<object, long> Pages { get; init; }
        public required Func<object, int> PageBits { get; init; }
        public required Func<object, long> PageMask { get; init; }
        public required Func<object, long> BufferMask { get; init; }
        public required Func<object, long> Head { get; init; }

        public delegate long TableReader(FasterKV<UnitKey, UnitValue> kv, out long mask);

        public static Accessors? TryCreate()
        {
            try
            {
                const BindingFlags Any = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
                var kvType = typeof(FasterKV<UnitKey, UnitValue>);
                var baseType = kvType.BaseType!;
                var state = baseType.GetField("state", Any)!;
                var resize = baseType.GetField("resizeInfo", Any)!;
                var version = resize.FieldType.GetField("version", Any)!;
                var table = state.FieldType.GetElementType()!;
                var aligned = table.GetField("tableAligned", Any)!;
                var mask = table.GetField("size_mask", Any)!;
                var hlog = kvType.GetField("hlog", Any)!;
                var allocator = kvType.Assembly.GetType("FASTER.core.BlittableAllocator`2")!.MakeGenericType(typeof(UnitKey), typeof(UnitValue));
                var allocatorBase = allocator.BaseType!;

                var tableReader = new DynamicMethod("FasterTable", typeof(long), [kvType, typeof(long).MakeByRefType()], typeof(StorePrefetcher).Module, skipVisibility: true);
                var il = tableReader.GetILGenerator();
                var element = il.DeclareLocal(table.MakeByRefType());
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldfld, state);
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldflda, resize);
                il.Emit(OpCodes.Ldfld, version);
                il.Emit(OpCodes.Ldelema, table);
                il.Emit(OpCodes.Stloc, element);
                il.Emit(OpCodes.Ldarg_1);
                il.Emit(OpCodes.Ldloc, element);
                il.Emit(OpCodes.Ldfld, mask);
                il.Emit(OpCodes.Stind_I8);
                il.Emit(OpCodes.Ldloc, element);
                il.Emit(OpCodes.Ldfld, aligned);
                il.Emit(OpCodes.Conv_U8);
                il.Emit(OpCodes.Ret);

                return new Accessors
                {
                    Log = Reader<FasterKV<UnitKey, UnitValue>, object>(kvType, hlog),
                    Table = tableReader.CreateDelegate<TableReader>(),
                    Pages = Reader<object, long>(allocator, allocator.GetField("nativePointers", Any)!),
                    PageBits = Reader<object, int>(allocator, allocatorBase.GetField("LogPageSizeBits", Any)!),
                    PageMask = Reader<object, long>(allocator, allocatorBase.GetField("PageSizeMask", Any)!),
                    BufferMask = Reader<object, long>(allocator, allocatorBase.GetField("BufferSizeMask", Any)!),
                    Head = Reader<object, long>(allocator, allocatorBase.GetField("HeadAddress", Any)!),
                };
            }
            catch (Exception e) when (e is NullReferenceException or ArgumentException or InvalidOperationException or TypeLoadException or NotSupportedException)
            {
                return null;
            }
        }

        /// <summary>Emits <c>(TResult)((Owner)arg).field</c>, widening ints and pointers as needed.</summary>
        private static Func<TArg, TResult> Reader<TArg, TResult>(Type owner, FieldInfo field)
        {
            var method = new DynamicMethod("Read" + field.Name, typeof(TResult), [typeof(TArg)], typeof(StorePrefetcher).Module, skipVisibility: true);
            var il = method.GetILGenerator();
            il.Emit(OpCodes.Ldarg_0);
            if (typeof(TArg) != owner)
            {
                il.Emit(OpCodes.Castclass, owner);
            }
            il.Emit(OpCodes.Ldfld, field);
            if (field.FieldType.IsPointer || (field.FieldType == typeof(int) && typeof(TResult) == typeof(long)))
            {
                il.Emit(field.FieldType.IsPointer ? OpCodes.Conv_U8 : OpCodes.Conv_I8);
            }
            il.Emit(OpCodes.Ret);
            return method.CreateDelegate<Func<TArg, TResult>>();
        }
    }
}
