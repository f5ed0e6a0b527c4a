namespace LoadGen.Engine;

/// <summary>
/// Cuts a profile down to one shard's share: each group keeps its sessions in the shard's index range, and every rate
/// (connect rate, inject rates) and every closed-model copy count is scaled to that share, so N shards together offer
/// exactly the load of the whole profile.
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
            (int start, int end) = shard.Range(group.Sessions);
            double share = group.Sessions == 0 ? 0 : (double)(end - start) / group.Sessions;
            return group with
            {
                Sessions = end - start,
                FirstSession = group.FirstSession + start,
                SessionsInProfile = group.SessionsInProfile ?? group.Sessions,
                // A shard with no session of this group has nothing to pace; keep the rate positive for the checks.
                ConnectRate = share > 0 ? group.ConnectRate * share : group.ConnectRate,
                Stages = group.Stages.Select(stage => Scale(stage, shard, share)).ToList(),
            };
        }).ToList();

        return profile with { Groups = groups, Shard = shard };
    }

    private static Stage Scale(Stage stage, Shard shard, double share) => stage switch
    {
        InjectStage inject => inject with { Rate = inject.Rate * share },
        RampingInjectStage ramp => ramp with { Rate = ramp.Rate * share },
        KeepConstantStage keep => keep with { Copies = Count(shard, keep.Copies) },
        RampingConstantStage ramp => ramp with { Copies = Count(shard, ramp.Copies) },
        _ => stage,
    };

    private static int Count(Shard shard, int copies)
    {
        (int start, int end) = shard.Range(copies);
        return end - start;
    }
}
