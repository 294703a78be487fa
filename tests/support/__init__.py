"""Helpers shared by the tests: made-up people, journeys, a throwaway PostgreSQL."""
