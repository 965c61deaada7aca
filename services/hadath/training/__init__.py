"""Training the models (`hadath train …`): imports the runtime, never imported by it."""
