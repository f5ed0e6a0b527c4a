namespace LoadGen.Engine;

/// <summary>
/// Cuts a profile down to one shard's share: each group keeps its sessions in the shard's index range, and every rate
/// (connect rate, inject rates) and every closed-model copy count is scaled to that share, so N shards together offer
/// exactly the load of the whole profile. A shared subscription's members stay together, in the first shard.
/// </summary>
public static class ProfileSharding
{
    /// <summary>The part of <paramref name="profile"/> that <paramref name="shard"/> runs.</summary>
    public static LoadProfile Apply(LoadProfile profile, Shard shard)
    {
        if (shard.IsWhole)
        {
            return profile;
        }

        var groups = profile.Groups.Select(group =>
        {
            // A shared subscription is one consumer: split over shards, each would audit a part of its messages as
            // the whole and count the rest lost. Its members all run in the first shard.
            (int start, int end) = group.Role == GroupRole.Subscriber && group.ShareName is not null
                ? (0, shard.Index == 0 ? group.Sessions : 0)
                : shard.Range(group.Sessions);
            double share = group.Sessions == 0 ? 0 : (double)(end - start) / group.Sessions;
            return group with
            {
                Sessions = end - start,
                FirstSession = group.FirstSession + start,
                SessionsInProfile = group.SessionsInProfile ?? group.Sessions,
                // A shard with no session of this group has nothing to pace; keep the rate positive for the checks.
                ConnectRate = share > 0 ? group.ConnectRate * share : group.ConnectRate,
                Stages = ScaleStages(group.Stages, shard, start, end, group.Sessions, share),
            };
        }).ToList();

        return profile with { Groups = groups, Shard = shard };
    }

    // An open-model stage sends floor(average rate x duration) messages. Scaling rates by the session share would
    // floor each shard's count separately (six shards of 1,000/s for 30 s sent 29,998); instead each shard gets its
    // exact part of the stage's message count, and the rate that sends exactly that many.
    private static List<Stage> ScaleStages(IReadOnlyList<Stage> stages, Shard shard, int first, int end, int sessions, double share)
    {
        var scaled = new List<Stage>(stages.Count);
        double wholeRate = 0, shardRate = 0;
        foreach (Stage stage in stages)
        {
            switch (stage.Model)
            {
                case StageModel.Open:
                    double target = stage.Target;
                    double from = stage.Ramps ? wholeRate : target;
                    double seconds = stage.During.TotalSeconds;
                    long total = (long)((from + target) / 2 * seconds);
                    // In proportion to the sessions, cut at the same points: a shard without sessions gets no messages.
                    long count = sessions == 0 ? 0 : total * end / sessions - total * first / sessions;
                    double shardFrom = stage.Ramps ? shardRate : 0;
                    // Average rate x seconds = the shard's count (a hair over, so the floor lands on it).
                    double rate = stage.Ramps
                        ? 2 * (count + 1e-6) / seconds - shardFrom
                        : (count + 1e-6) / seconds;
                    if (rate < 0)
                    {
                        rate = target * share;
                    }

                    scaled.Add(stage.WithTarget(rate));
                    (wholeRate, shardRate) = (target, rate);
                    break;
                // The closed model runs the group's first `copies` sessions: a shard runs those it holds.
                case StageModel.Closed:
                    scaled.Add(stage.WithTarget(Math.Max(0, Math.Min((int)stage.Target, end) - first)));
                    break;
                case StageModel.Pause:
                    scaled.Add(stage);
                    break;
                default:
                    // Passed through unscaled, every shard would run the whole stage: refuse instead.
                    throw new NotSupportedException($"sharding does not know how to scale a {stage.GetType().Name} ({stage.Model})");
            }
        }

        return scaled;
    }
}
