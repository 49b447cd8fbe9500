package dev.mesoshealth.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RedactedTest {
  record Sample(String user, String password, Map<String, String> kafka) {}

  @Test
  void namedSecretsAndCredentialLikeSettingsAreHidden() {
    Sample s =
        new Sample(
            "ops",
            "hunter2",
            Map.of(
                "sasl.jaas.config", "... password=\"x1\";",
                "ssl.keystore.password", "x2",
                "security.protocol", "SASL_SSL"));

    String text = Redacted.toString(s, Set.of("password"));

    assertThat(text)
        .startsWith("Sample[user=ops, password=[hidden], kafka={")
        .contains("security.protocol=SASL_SSL", "sasl.jaas.config=[hidden]")
        .contains("ssl.keystore.password=[hidden]")
        .doesNotContain("hunter2", "x1", "x2");
    assertThat(Redacted.toString(new Sample("ops", "", Map.of()), Set.of("password")))
        .as("an empty secret is shown as empty: nothing to hide, and it tells the reader so")
        .contains("password=,");
  }
}
