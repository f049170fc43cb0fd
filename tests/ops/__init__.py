"""Operations: health, metrics, logs, shutdown, CLI check, migrations and legacy adoption."""
