package dev.mesoshealth.launcher;

import dev.mesoshealth.service.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Lets flags take durations as people write them: 2s, 500ms, 5m, PT10S. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return Durations.parse(value);
  }
}
