"""The accreditation area's rules, one module per concern."""

from trainhub.accreditation.services.levels import LevelInput, save_level, seed_levels

__all__ = ["LevelInput", "save_level", "seed_levels"]
