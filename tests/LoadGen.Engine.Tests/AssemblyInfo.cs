// The runner tests drive real brokers at fixed rates and compare timings: run test classes one after another so they
// do not compete for this machine's two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
