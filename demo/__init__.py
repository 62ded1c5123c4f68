"""Running the system locally: a throwaway Mosquitto, the service, simulated devices."""
