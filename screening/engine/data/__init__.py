"""Reference tables for the engine, kept as Python so that they ship in the wheel without package data."""
