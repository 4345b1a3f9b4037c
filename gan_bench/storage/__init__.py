"""Files on disk: records, samples, checkpoints and their compatibility rules, atomic writes,
locks, confined paths, the cache."""
