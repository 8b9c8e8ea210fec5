namespace Expothesis.Fast.Gateway.Ingest;

/// <summary>How parsing a body ended.</summary>
public enum ParseStatus
{
    /// <summary>The body was well-formed; valid events are in the batch, invalid ones in the rejections.</summary>
    Ok,
    /// <summary>The body is not well-formed JSON or not the expected shape (400); nothing may be applied.</summary>
    SyntaxError,
    /// <summary>The body is larger than <see cref="GatewayLimits.MaxBodyBytes"/> (413); nothing may be applied.</summary>
    TooLarge,
    /// <summary>The body holds more than <see cref="GatewayLimits.MaxEventsPerBatch"/> events (413); nothing may be applied.</summary>
    TooManyEvents,
}

/// <summary>The result of <see cref="BatchParser.ParseAsync"/>.</summary>
/// <param name="Status">How parsing ended.</param>
/// <param name="EventCount">Events seen in the body (accepted into the batch plus rejected by the parser).</param>
/// <param name="ErrorOffset">Absolute byte offset of a syntax error in the (decompressed) body; -1 otherwise.</param>
/// <param name="Message">What went wrong, for the problem details; null when <see cref="ParseStatus.Ok"/>.</param>
/// <param name="HttpStatusCode">The status to answer with: 200, 400 or 413.</param>
public readonly record struct ParseOutcome(ParseStatus Status, int EventCount, long ErrorOffset, string? Message, int HttpStatusCode)
{
    /// <summary>True when the batch may be ingested.</summary>
    public bool IsOk => Status == ParseStatus.Ok;
}
