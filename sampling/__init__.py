"""Sampling frames, phone numbers, allocation and designs with inclusion probabilities.

tables       the one reader of sample files: encoding, separator, header aliases
frames       validate a frame (FrameSpec, load_frame, validate_frame)
phones       phone numbers to E.164 with kind and their zones
timezones    every unit's zone by one rule (infer_zones) and where it came from
allocation   n across strata (proportional, Neyman, optimal, equal; bounds)
inclusion    π proportional to size with certainty units
designs      SRS, systematic πps, ordered/random pivotal, LPM2, spread; plan and draw
pivotal      the pivotal step; ordered and random pivotal sampling
local_pivotal  LPM2 in batches of disjoint steps
neighbour_lists  each undecided unit's nearest others, from k-d trees, ties at random
replicates   release replicates that are miniatures of the sample
rdd          list-assisted random digit dialling
quality      spatial balance and stratum composition; maps draws the picture
demo         synthetic frames on Spanish geography with fictional phones
errors       SamplingError and its stable codes, as shared problems
commands     the `sample` click group

Nothing here imports Flask, a database or the rest of cati but ``cati.problems``, the one
shape of a user's problem.
"""
