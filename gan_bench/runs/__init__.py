"""Running a suite: run specifications, the Trainer, claims, status, cluster runs, evaluations."""
