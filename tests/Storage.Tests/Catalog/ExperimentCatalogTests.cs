using System.Text;
using Expothesis.Fast.Assignment;
using Expothesis.Fast.Storage.Catalog;
using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Storage.Tests.Catalog;

public sealed class ExperimentCatalogTests : IDisposable
{
    private readonly string _dir = CatalogSpecs.TempDirectory();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Create_assigns_an_id_ordinal_version_and_draft_status()
    {
        using var catalog = ExperimentCatalog.CreateInMemory();
        var e = await catalog.CreateAsync(CatalogSpecs.Valid());
        Assert.Matches("^exp_[0-9a-f]{12}$", e.Id);
        Assert.Equal(0, e.Ordinal);
        Assert.Equal(1, e.Version);
        Assert.Equal(ExperimentStatus.Draft, e.Status);
        Assert.Equal(1, catalog.Current.Version);
        Assert.Same(e, catalog.Current.Get(0));
    }

    [Fact]
    public async Task A_duplicate_key_is_invalid_naming_the_key()
    {
        using var catalog = ExperimentCatalog.CreateInMemory();
        await catalog.CreateAsync(CatalogSpecs.Valid());
        var ex = await Assert.ThrowsAsync<CatalogException>(() => catalog.CreateAsync(CatalogSpecs.Valid()));
        Assert.Equal(CatalogErrorKind.Invalid, ex.Kind);
        Assert.Contains("key", ex.Errors.Keys);
    }

    [Fact]
    public async Task The_lifecycle_allows_only_the_documented_transitions()
    {
        using var catalog = ExperimentCatalog.CreateInMemory();
        var e = await catalog.CreateAsync(CatalogSpecs.Valid());
        await AssertConflict(catalog.PauseAsync(e.Id));
        await AssertConflict(catalog.ResumeAsync(e.Id));
        await AssertConflict(catalog.StopAsync(e.Id));

        var running = await catalog.StartAsync(e.Key);
        Assert.Equal(ExperimentStatus.Running, running.Status);
        Assert.NotNull(running.StartedAt);
        Assert.Equal(ExperimentStatus.Running, running.Target.Status);
        await AssertConflict(catalog.StartAsync(e.Id));
        await AssertConflict(catalog.ResumeAsync(e.Id));
        await AssertConflict(catalog.ArchiveAsync(e.Id));

        var paused = await catalog.PauseAsync(e.Id);
        Assert.Equal(ExperimentStatus.Paused, paused.Target.Status);
        await AssertConflict(catalog.PauseAsync(e.Id));
        await AssertConflict(catalog.StartAsync(e.Id));
        await catalog.ResumeAsync(e.Id);
        var stopped = await catalog.StopAsync(e.Id);
        Assert.Equal(ExperimentStatus.Stopped, stopped.Status);
        Assert.NotNull(stopped.StoppedAt);
        await AssertConflict(catalog.StartAsync(e.Id));
        await AssertConflict(catalog.ResumeAsync(e.Id));
        await AssertConflict(catalog.PauseAsync(e.Id));
        await AssertConflict(catalog.StopAsync(e.Id));

        var archived = await catalog.ArchiveAsync(e.Id);
        Assert.Equal(ExperimentStatus.Archived, archived.Status);
        Assert.Equal(6, archived.Version);
        Assert.False(catalog.Current.TryGetExperiment(Encoding.UTF8.GetBytes(e.Key), out _));
        Assert.True(catalog.Current.TryGet(e.Key, out _));
    }

    [Fact]
    public async Task Lifecycle_changes_keep_the_same_weights_object()
    {
        using var catalog = ExperimentCatalog.CreateInMemory();
        var e = await catalog.CreateAsync(CatalogSpecs.Valid());
        var started = await catalog.StartAsync(e.Id);
        started.Weights.SetCurrent([0.5, 0.5]);
        var paused = await catalog.PauseAsync(e.Id);
        Assert.Same(started.Weights, paused.Weights);
        Assert.Equal(0.5, paused.Weights.Current[0]);
    }

    [Fact]
    public async Task Edits_in_draft_replace_the_definition_and_later_only_name_description_and_hypothesis()
    {
        using var catalog = ExperimentCatalog.CreateInMemory();
        var e = await catalog.CreateAsync(CatalogSpecs.Valid());
        var edited = await catalog.UpdateAsync(e.Id, CatalogSpecs.Valid() with
        {
            Metrics = [new MetricSpec { Name = "clicks", Kind = "count" }],
        });
        Assert.Equal(2, edited.Version);
        Assert.Equal("clicks", edited.Definition.Metrics[0].Name);

        await catalog.StartAsync(e.Id);
        var renamed = await catalog.UpdateAsync(e.Id, new ExperimentSpec { Name = "New name", Description = "why" });
        Assert.Equal("New name", renamed.Definition.Name);
        Assert.Equal("why", renamed.Record.Description);
        Assert.Equal("clicks", renamed.Definition.Metrics[0].Name);

        var ex = await Assert.ThrowsAsync<CatalogException>(() => catalog.UpdateAsync(e.Id, new ExperimentSpec
        {
            Variants = [new VariantSpec { Key = "a" }, new VariantSpec { Key = "b" }],
        }));
        Assert.Equal(CatalogErrorKind.Conflict, ex.Kind);
        Assert.Contains("variants", ex.Errors.Keys);

        var same = await catalog.UpdateAsync(e.Id, renamed.Record.ToSpec() with { Name = "Again" });
        Assert.Equal("Again", same.Definition.Name);
    }

    [Fact]
    public async Task Ordinals_are_dense_and_never_reused()
    {
        using var catalog = ExperimentCatalog.CreateInMemory();
        var a = await catalog.CreateAsync(CatalogSpecs.Valid("a"));
        await catalog.ArchiveAsync(a.Id);
        var b = await catalog.CreateAsync(CatalogSpecs.Valid("b"));
        Assert.Equal(1, b.Ordinal);
        Assert.Equal(2, catalog.Current.Experiments.Count);
    }

    [Fact]
    public async Task The_snapshot_resolves_utf8_names_and_counts()
    {
        using var catalog = ExperimentCatalog.CreateInMemory();
        var e = await catalog.CreateAsync(CatalogSpecs.Valid());
        var s = catalog.Current;
        Assert.True(s.TryGetExperiment("checkout-button"u8, out int byKey));
        Assert.True(s.TryGetExperiment(Encoding.UTF8.GetBytes(e.Id), out int byId));
        Assert.Equal(0, byKey);
        Assert.Equal(0, byId);
        Assert.False(s.TryGetExperiment("nope"u8, out _));
        Assert.False(s.TryGetExperiment(new byte[] { 0xff, 0xfe }, out _));
        Assert.Equal(1, s.GetMetric(0, "revenue"u8));
        Assert.Equal(-1, s.GetMetric(0, "Revenue"u8));
        Assert.Equal(1, s.GetVariant(0, "green"u8));
        Assert.Equal(2, s.GetMetricCount(0));
        Assert.Equal(2, s.GetVariantCount(0));
        Assert.Equal(MetricKind.Sum, s.GetMetricKind(0, 1));
        Assert.Equal(ExperimentStatus.Draft, s.GetStatus(0));
    }

    [Fact]
    public async Task Snapshot_lookups_do_not_allocate()
    {
        using var catalog = ExperimentCatalog.CreateInMemory();
        await catalog.CreateAsync(CatalogSpecs.Valid());
        var s = catalog.Current;
        byte[] key = Encoding.UTF8.GetBytes("checkout-button");
        byte[] metric = Encoding.UTF8.GetBytes("purchase");
        byte[] variant = Encoding.UTF8.GetBytes("green");
        int sum = Lookup(s, key, metric, variant);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            sum += Lookup(s, key, metric, variant);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1001 * 1, sum);
        Assert.Equal(0, allocated);

        static int Lookup(CatalogSnapshot s, byte[] key, byte[] metric, byte[] variant)
        {
            s.TryGetExperiment(key, out int e);
            return e + s.GetMetric(e, metric) + s.GetVariant(e, variant);
        }
    }

    [Fact]
    public async Task Changed_fires_after_every_change_with_the_new_snapshot()
    {
        using var catalog = ExperimentCatalog.CreateInMemory();
        var seen = new List<long>();
        catalog.Changed += s => seen.Add(s.Version);
        var e = await catalog.CreateAsync(CatalogSpecs.Valid());
        await catalog.StartAsync(e.Id);
        Assert.Equal([1L, 2L], seen);
    }

    [Fact]
    public async Task Every_experiment_and_status_is_back_after_a_restart()
    {
        string id;
        using (var catalog = await ExperimentCatalog.OpenAsync(_dir, Durability.Fsync))
        {
            var a = await catalog.CreateAsync(CatalogSpecs.Valid("a"));
            var b = await catalog.CreateAsync(CatalogSpecs.Valid("b") with
            {
                Assignment = new AssignmentSpec
                {
                    Condition = System.Text.Json.JsonDocument.Parse("""{"country":{"$in":["US"]}}""").RootElement,
                    Namespace = System.Text.Json.JsonDocument.Parse("""["ns",0,0.5]""").RootElement,
                    Overrides = new Dictionary<string, string> { ["qa"] = "green" },
                },
            });
            await catalog.StartAsync(a.Id);
            await catalog.StartAsync(b.Id);
            await catalog.PauseAsync(b.Id);
            id = b.Id;
        }
        using (var reopened = await ExperimentCatalog.OpenAsync(_dir, Durability.Fsync))
        {
            var s = reopened.Current;
            Assert.Equal(5, s.Version);
            Assert.Equal(ExperimentStatus.Running, s.Get(0).Status);
            Assert.Equal(ExperimentStatus.Running, s.Get(0).Target.Status);
            var b = reopened.Get(id);
            Assert.Equal(ExperimentStatus.Paused, b.Status);
            Assert.Equal(ExperimentStatus.Paused, b.Target.Status);
            Assert.Equal(1, b.Ordinal);
            Assert.Equal(3, b.Version);
            Assert.Equal(("ns", 0.0, 0.5), b.Definition.Assignment.Namespace);
            Assert.Equal("green", b.Definition.Assignment.Overrides["qa"]);
            Assert.NotNull(b.Definition.Assignment.Condition);
            Assert.Equal(3, reopened.GetHistory(id).Count);
            var c = await reopened.CreateAsync(CatalogSpecs.Valid("c"));
            Assert.Equal(2, c.Ordinal);
            Assert.Equal(6, reopened.Current.Version);
        }
    }

    [Fact]
    public async Task A_crash_before_the_rename_leaves_the_previous_version()
    {
        string id;
        using (var catalog = await ExperimentCatalog.OpenAsync(_dir, Durability.Fsync))
        {
            id = (await catalog.CreateAsync(CatalogSpecs.Valid())).Id;
            catalog.BeforeCatalogRename = static () => throw new IOException("simulated crash");
            await Assert.ThrowsAsync<IOException>(() => catalog.StartAsync(id));
            Assert.Equal(ExperimentStatus.Draft, catalog.Current.Get(0).Status);
        }
        Assert.True(File.Exists(Path.Combine(_dir, "catalog.json.tmp")));
        using (var reopened = await ExperimentCatalog.OpenAsync(_dir, Durability.Fsync))
        {
            Assert.Equal(ExperimentStatus.Draft, reopened.Get(id).Status);
            Assert.Equal(1, reopened.Current.Version);
            Assert.Single(reopened.GetHistory(id));
            Assert.False(File.Exists(Path.Combine(_dir, "catalog.json.tmp")));
            var started = await reopened.StartAsync(id);
            Assert.Equal(2, started.Version);
        }
    }

    [Fact]
    public async Task A_torn_history_line_and_lines_ahead_of_the_catalog_are_cut_off()
    {
        string id;
        using (var catalog = await ExperimentCatalog.OpenAsync(_dir, Durability.Fsync))
        {
            id = (await catalog.CreateAsync(CatalogSpecs.Valid())).Id;
            await catalog.StartAsync(id);
        }
        string history = Path.Combine(_dir, "history.jsonl");
        string[] lines = File.ReadAllLines(history);
        string ahead = lines[1].Replace("\"catalog_version\":2", "\"catalog_version\":3", StringComparison.Ordinal);
        File.AppendAllText(history, ahead + "\n{\"version\":4,\"cat");
        using (var reopened = await ExperimentCatalog.OpenAsync(_dir, Durability.Fsync))
        {
            Assert.Equal(2, reopened.GetHistory(id).Count);
            await reopened.PauseAsync(id);
        }
        Assert.Equal(3, File.ReadAllLines(history).Length);
    }

    [Fact]
    public async Task History_lists_every_version_in_order()
    {
        using var catalog = ExperimentCatalog.CreateInMemory();
        var e = await catalog.CreateAsync(CatalogSpecs.Valid());
        await catalog.UpdateAsync(e.Id, CatalogSpecs.Valid() with { Name = "Renamed" });
        await catalog.StartAsync(e.Id);
        await catalog.PauseAsync(e.Id);
        var history = catalog.GetHistory(e.Key);
        Assert.Equal([1L, 2L, 3L, 4L], history.Select(h => h.Version));
        Assert.Equal(["created", "updated", "started", "paused"], history.Select(h => h.Action));
        Assert.Equal("Renamed", history[1].Experiment.Name);
        Assert.Equal(ExperimentStatus.Paused, history[3].Experiment.Status);
    }

    [Fact]
    public async Task Durability_none_keeps_nothing_on_disk()
    {
        string dir = Path.Combine(_dir, "none");
        using (var catalog = await ExperimentCatalog.OpenAsync(dir, Durability.None))
        {
            await catalog.CreateAsync(CatalogSpecs.Valid());
            Assert.False(catalog.IsPersistent);
        }
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public async Task Concurrent_creates_get_distinct_ordinals_and_a_gapless_catalog_version()
    {
        using var catalog = await ExperimentCatalog.OpenAsync(_dir, Durability.Flush);
        var tasks = Enumerable.Range(0, 24).Select(i => Task.Run(() => catalog.CreateAsync(CatalogSpecs.Valid("exp-" + i)))).ToArray();
        var created = await Task.WhenAll(tasks);
        Assert.Equal(Enumerable.Range(0, 24), created.Select(e => e.Ordinal).Order());
        Assert.Equal(24, catalog.Current.Version);
        Assert.All(created, e => Assert.Same(e, catalog.Current.Get(e.Ordinal)));
        Assert.Equal(24, created.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task Unknown_ids_are_not_found()
    {
        using var catalog = ExperimentCatalog.CreateInMemory();
        var ex = await Assert.ThrowsAsync<CatalogException>(() => catalog.StartAsync("exp_000000000000"));
        Assert.Equal(CatalogErrorKind.NotFound, ex.Kind);
    }

    private static async Task AssertConflict(Task task)
    {
        var ex = await Assert.ThrowsAsync<CatalogException>(() => task);
        Assert.Equal(CatalogErrorKind.Conflict, ex.Kind);
    }
}
