package dev.mesoshealth.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.schemas.metrics.MetricCatalogue;
import dev.mesoshealth.schemas.metrics.MetricDefinition;
import dev.mesoshealth.service.ConfigDocs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The README stays true: its configuration tables and the commands it shows. */
class ReadmeTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Pattern GENERATED =
      Pattern.compile(
          "<!-- generated: bin/mesos-health config (\\S+) -->\\n(.*?)<!-- end generated -->",
          Pattern.DOTALL);

  private static String readme() throws IOException {
    return Files.readString(README);
  }

  @Test
  void everyServiceHasItsConfigurationTableAndEachIsCurrent() throws IOException {
    Matcher m = GENERATED.matcher(readme());
    List<String> documented = new ArrayList<>();
    while (m.find()) {
      String service = m.group(1);
      documented.add(service);
      assertThat(ConfigCommand.SERVICES).containsKey(service);
      assertThat(m.group(2))
          .as(
              "README's table for %s is out of date: replace it with the output of"
                  + " 'bin/mesos-health config %s'",
              service, service)
          .isEqualTo(ConfigDocs.markdownTable(ConfigCommand.SERVICES.get(service).definition()));
    }
    assertThat(documented).containsExactlyInAnyOrderElementsOf(ConfigCommand.SERVICES.keySet());
  }

  @Test
  void theTwoCommandsAreThere() throws IOException {
    assertThat(readme())
        .contains("```sh\nbin/mesos-health demo\n```", "```sh\n./mvnw -B -T 2 verify\n```");
  }

  @Test
  void everyCommandLineShownParses() throws IOException {
    Matcher m = Pattern.compile("(?m)^(?:\\| `)?bin/mesos-health ([^`\\n#|]+)").matcher(readme());
    int checked = 0;
    while (m.find()) {
      String line = m.group(1).trim();
      if (line.contains("<") || line.contains("...")) {
        continue; // a placeholder, not a command line
      }
      String[] args = line.split("\\s+");
      new CommandLine(new MesosHealthCli()).parseArgs(args);
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(1);
    // every subcommand the CLI has is described
    String text = readme();
    for (String name : new CommandLine(new MesosHealthCli()).getSubcommands().keySet()) {
      if (!Arrays.asList("help", "config").contains(name)) {
        assertThat(text).as("README describes '%s'", name).contains("mesos-health " + name);
      }
    }
  }

  @Test
  void everySeedMetricHasAUseOrAReasonInTheRulesSection() throws IOException {
    String readme = readme();
    int from = readme.indexOf("<!-- seed metrics -->");
    int to = readme.indexOf("<!-- end seed metrics -->");
    assertThat(from).as("the seed metrics table in README.md").isPositive();
    Map<String, String> use = new java.util.HashMap<>();
    for (String row : readme.substring(from, to).split("\n")) {
      String[] cells = row.split("\\|");
      if (cells.length < 3) {
        continue;
      }
      Matcher names = Pattern.compile("`(mesos\\.[a-z0-9_.]+)`").matcher(cells[1]);
      while (names.find()) {
        use.put(names.group(1), cells[2].trim());
      }
    }
    List<String> missing = new ArrayList<>();
    for (MetricDefinition d : MetricCatalogue.standard().definitions()) {
      if (d.listed()
          && (use.get(d.canonicalName()) == null || use.get(d.canonicalName()).isEmpty())) {
        missing.add(d.canonicalName());
      }
    }
    assertThat(missing).as("seed metrics with neither a use nor a reason in README.md").isEmpty();
  }
}
