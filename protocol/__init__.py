"""The MQTT contract shared by the queue service and every appliance."""
