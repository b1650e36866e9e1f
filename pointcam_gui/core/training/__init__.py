"""Training: datasets (generated or the user's own), augmentation, the training loop, evaluation
and the training log."""
