"""The monthly report job: an EventBridge Scheduler schedule on the 1st of each month (Helsinki time)."""
