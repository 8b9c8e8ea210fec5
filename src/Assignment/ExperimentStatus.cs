namespace Expothesis.Fast.Assignment;

/// <summary>Lifecycle state of an experiment (API.md "Lifecycle").</summary>
public enum ExperimentStatus : byte
{
    /// <summary>Being configured; takes no events or exposures.</summary>
    Draft,
    /// <summary>Assigning and counting.</summary>
    Running,
    /// <summary>No new exposures; metric events of exposed units still count.</summary>
    Paused,
    /// <summary>Final; events are rejected, results frozen.</summary>
    Stopped,
    /// <summary>Deleted from the list; kept for history.</summary>
    Archived,
}
