"""The lessons folder as data: load, parse and validate lessons, checks, exercises and facts."""
