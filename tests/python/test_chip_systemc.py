"""ecsim.Chip at level 'systemc' against `ecsim rollout --backend systemc` and the reference model."""
import pytest

from chip_common import check_chip_is_rollout, check_sampler_and_membrane


def test_chip_systemc(tmp_path, tiny_run):
    chip = check_chip_is_rollout(tmp_path, tiny_run, "systemc")
    check_sampler_and_membrane(chip)
