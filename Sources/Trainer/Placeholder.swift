public enum TrainerPlaceholder {}
