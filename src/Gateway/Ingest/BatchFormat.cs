namespace Expothesis.Fast.Gateway.Ingest;

/// <summary>The shape of an event request body.</summary>
public enum BatchFormat
{
    /// <summary>A JSON object with an <c>events</c> array, or a bare JSON array of events.</summary>
    Json,
    /// <summary>Newline-delimited JSON: one event object per line; blank lines are ignored.</summary>
    Ndjson,
    /// <summary>One event object (<c>POST /api/v1/events</c>).</summary>
    SingleEvent,
}
