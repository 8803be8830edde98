"""Dispatch (派单): tickets handed from the community to the organisations that handle them."""
