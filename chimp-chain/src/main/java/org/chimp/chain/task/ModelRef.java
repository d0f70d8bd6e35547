package org.chimp.chain.task;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CHIMP model a chain model runs, kept in its config URI: {@code chimp:model/<name>/stage/<stage>} (the newest
 * version in that stage when the job runs) or {@code chimp:model/<name>/version/<n>}.
 */
public record ModelRef(String name, String stage, Integer version) {
    private static final Pattern URI = Pattern.compile("chimp:model/([^/]{1,200})/(stage|version)/([A-Za-z0-9]{1,40})");

    public static ModelRef stage(String name, String stage) {
        return new ModelRef(name, stage, null);
    }

    public static ModelRef version(String name, int version) {
        return new ModelRef(name, null, version);
    }

    public String uri() {
        return "chimp:model/" + name + (version == null ? "/stage/" + stage : "/version/" + version);
    }

    public static Optional<ModelRef> parse(String uri) {
        Matcher m = URI.matcher(uri == null ? "" : uri);
        if (!m.matches()) {
            return Optional.empty();
        }
        if (m.group(2).equals("stage")) {
            return Optional.of(stage(m.group(1), m.group(3)));
        }
        try {
            return Optional.of(version(m.group(1), Integer.parseInt(m.group(3))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
