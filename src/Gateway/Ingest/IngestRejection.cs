using Expothesis.Fast.Storage.Ingest;

namespace Expothesis.Fast.Gateway.Ingest;

/// <summary>One listed rejection: the index of the event in the request body, its code and a human message.</summary>
/// <param name="Index">Zero-based index of the event in the body.</param>
/// <param name="Code">Why it was rejected.</param>
/// <param name="Message">A human-readable explanation.</param>
public readonly record struct IngestRejection(int Index, RejectionCode Code, string Message);
