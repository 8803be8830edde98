"""Proposals, their lifecycle, electorates, ballots and the tally."""
