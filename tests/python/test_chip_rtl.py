"""ecsim.Chip at level 'rtl' against `ecsim rollout --backend rtl` and the reference model."""
import pytest

from chip_common import check_chip_is_rollout, check_sampler_and_membrane


def test_chip_rtl(tmp_path, tiny_run):
    chip = check_chip_is_rollout(tmp_path, tiny_run, "rtl")
    check_sampler_and_membrane(chip)
