"""Trainers of the small learned models newsprism ships (`newsprism train <model>`)."""
