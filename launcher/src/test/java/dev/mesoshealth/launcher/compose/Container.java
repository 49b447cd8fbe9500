package dev.mesoshealth.launcher.compose;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a container gives one compose service, played by a local process: its own loopback address
 * (its wildcard binds and its localhost mean that address), a directory standing for its file
 * system (its /tmp, its working directory, its named volumes and copies of its bind mounts), and
 * the mapping of container paths to those directories.
 */
final class Container {
  private final ComposeFile.Service service;
  private final String ip;
  private final Path root;
  private final Map<String, String> addresses;

  /** Container path -> host path, longest container path first. */
  private final Map<String, Path> mounts = new LinkedHashMap<>();

  Container(ComposeFile.Service service, String ip, Path root, Map<String, String> addresses) {
    this.service = service;
    this.ip = ip;
    this.root = root;
    this.addresses = addresses;
  }

  ComposeFile.Service service() {
    return service;
  }

  String ip() {
    return ip;
  }

  Path root() {
    return root;
  }

  /** Maps a container path (a directory or a file) onto a host path. */
  void mount(String containerPath, Path hostPath) {
    mounts.put(containerPath.replaceAll("/+$", ""), hostPath);
    List<Map.Entry<String, Path>> sorted = new ArrayList<>(mounts.entrySet());
    sorted.sort(Comparator.comparing((Map.Entry<String, Path> e) -> -e.getKey().length()));
    mounts.clear();
    sorted.forEach(e -> mounts.put(e.getKey(), e.getValue()));
  }

  /** Where a container path lives on the host; unmapped paths are the host's own. */
  Path hostPath(String containerPath) {
    for (Map.Entry<String, Path> m : mounts.entrySet()) {
      if (containerPath.equals(m.getKey()) || containerPath.startsWith(m.getKey() + "/")) {
        return Path.of(m.getValue() + containerPath.substring(m.getKey().length()));
      }
    }
    return Path.of(containerPath);
  }

  /** Whether a container path is on a named volume (survives the container's re-creation). */
  boolean onNamedVolume(String containerPath) {
    return service.volumes().stream()
        .anyMatch(
            v ->
                v.named()
                    && (containerPath.equals(v.target())
                        || containerPath.startsWith(v.target().replaceAll("/+$", "") + "/")));
  }

  /**
   * A string as the container means it, made right for the host: container paths mapped, the
   * wildcard address and localhost made this container's address, and, for programs that resolve
   * names with the system resolver (not a JVM given the hosts file), service names made addresses.
   */
  String translate(String s, boolean resolveNames) {
    String out = s;
    if (!mounts.isEmpty()) {
      // one pass, longest path first, so that a mapped path is never mapped again
      String any = String.join("|", mounts.keySet().stream().map(Pattern::quote).toList());
      Matcher m = Pattern.compile("(?<![\\w.-])(" + any + ")(?=/|$|[^\\w.-])").matcher(out);
      StringBuilder b = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(b, Matcher.quoteReplacement(mounts.get(m.group(1)).toString()));
      }
      m.appendTail(b);
      out = b.toString();
    }
    out = out.replace("0.0.0.0", ip).replace("127.0.0.1", ip);
    out = out.replaceAll("(?<![\\w.-])localhost(?=:\\d)", ip);
    if (resolveNames) {
      for (Map.Entry<String, String> a : addresses.entrySet()) {
        out = out.replaceAll("(?<![\\w.-])" + Pattern.quote(a.getKey()) + "(?=:\\d)", a.getValue());
      }
    }
    return out;
  }

  List<String> translate(List<String> args, boolean resolveNames) {
    return args.stream().map(a -> translate(a, resolveNames)).toList();
  }

  /**
   * Copies a bind-mounted file or directory of the repository into this container's directory, each
   * file passed through {@code edit} (the translation), and mounts the copy at {@code target}.
   */
  void bindCopy(Path source, String target, UnaryOperator<String> edit) throws IOException {
    Path copy = root.resolve("mounts").resolve(target.replaceAll("^/+", ""));
    if (Files.isDirectory(source)) {
      try (Stream<Path> files = Files.walk(source)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          Path to = copy.resolve(source.relativize(f).toString());
          Files.createDirectories(to.getParent());
          copyEdited(f, to, edit);
        }
      }
    } else {
      Files.createDirectories(copy.getParent());
      copyEdited(source, copy, edit);
    }
    mount(target, copy);
  }

  private static void copyEdited(Path from, Path to, UnaryOperator<String> edit)
      throws IOException {
    String name = from.getFileName().toString();
    boolean text = !name.endsWith(".jar") && !name.endsWith(".zip");
    if (text) {
      Files.writeString(to, edit.apply(Files.readString(from, StandardCharsets.UTF_8)));
    } else {
      Files.copy(from, to);
    }
  }
}
