"""The load test: `make load` (run.py starts gunicorn and Locust on locustfile.py)."""
