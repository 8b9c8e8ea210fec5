namespace Expothesis.Fast.Stats;

/// <summary>Allocation policy of a bandit experiment (STATS.md "Bandits").</summary>
public enum BanditAlgorithm : byte
{
    /// <summary>Thompson sampling: weight = probability each arm is best under its posterior.</summary>
    Thompson,
    /// <summary>UCB1: all weight (above the floor) on the arm with the highest upper confidence bound.</summary>
    Ucb1,
    /// <summary>ε-greedy: 1 − ε on the best observed arm, ε spread evenly.</summary>
    EpsilonGreedy,
}
