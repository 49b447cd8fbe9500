package dev.mesoshealth.updaters.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesoshealth.service.ConfigException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The alerter's settings: somewhere to send, credentials that make sense, secrets never shown. */
class AlerterConfigTest {
  private static AlerterConfig parse(String... keyValues) {
    Map<String, String> flags = new HashMap<>();
    flags.put("kafka.bootstrap.servers", "kafka:9092");
    flags.put("alertmanager.urls", "http://am1:9093");
    for (int i = 0; i < keyValues.length; i += 2) {
      flags.put(keyValues[i], keyValues[i + 1]);
    }
    return AlerterConfig.fromFlags(flags);
  }

  @Test
  void basicAuthIsAHeaderFromUserAndPasswordAndNeverShown() {
    AlerterConfig c = parse("alertmanager.auth", "basic", "alertmanager.auth.secret", "am:pw-42");
    assertThat(c.alertmanagerAuthorization()).isEqualTo("Basic YW06cHctNDI=");
    assertThat(c.toString()).doesNotContain("pw-42").doesNotContain("YW06cHctNDI=");
    assertThat(
            parse("alertmanager.auth", "bearer", "alertmanager.auth.secret", "t0k")
                .alertmanagerAuthorization())
        .isEqualTo("Bearer t0k");
    assertThat(parse().alertmanagerAuthorization()).isNull();
  }

  @Test
  void credentialsThatCannotWorkAreOneLineErrorsWithoutTheSecret() {
    assertThatThrownBy(() -> parse("alertmanager.auth", "basic"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("alertmanager.auth=basic needs alertmanager.auth.secret");
    assertThatThrownBy(
            () -> parse("alertmanager.auth", "basic", "alertmanager.auth.secret", "no-colon-x9"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("user:password")
        .hasMessageNotContaining("no-colon-x9");
    assertThatThrownBy(() -> parse("tls.ca.file", "/nonexistent/ca.pem"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("tls.ca.file: cannot read '/nonexistent/ca.pem'");
    assertThatThrownBy(() -> parse("alertmanager.urls", "am1:9093"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is not a URL like http://am1:9093");
  }
}
