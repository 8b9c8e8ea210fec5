namespace Expothesis.Fast.Gateway.Ingest.Internal;

/// <summary>Where the resumable batch parser is in the body's structure, between tokens.</summary>
internal enum ParserState : byte
{
    /// <summary>Before the root value (or, for NDJSON, between event objects).</summary>
    Start,
    /// <summary>Inside the root object, expecting a property name or its end.</summary>
    RootObject,
    /// <summary>After the root's <c>events</c> property name, expecting the array.</summary>
    RootEventsValue,
    /// <summary>After an unknown root property name, expecting its value.</summary>
    RootSkipValue,
    /// <summary>Inside a nested value of an unknown root property.</summary>
    RootSkipNested,
    /// <summary>Inside the events array, expecting an event object or the array's end.</summary>
    EventsArray,
    /// <summary>Inside an event object, expecting a property name or its end.</summary>
    InEvent,
    /// <summary>After an event property name, expecting its value.</summary>
    EventValue,
    /// <summary>Inside a nested value of an event property.</summary>
    EventSkip,
    /// <summary>The root value is complete.</summary>
    Done,
}
