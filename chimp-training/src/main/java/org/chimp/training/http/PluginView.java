package org.chimp.training.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.chimp.api.param.ParameterSpec;
import org.chimp.api.param.TextKind;
import org.chimp.training.DatasetSpec;
import org.chimp.training.PluginInfo;

/**
 * CHIMP's PluginInfo JSON: {@code {"name", "version", "description", "arguments": {name: {"name", "type",
 * "description", "optional", "default"}}, "datasets": {key: {"name", "description", "optional"}},
 * "model_return_type"}}, plus {@code min}/{@code max} on bounded arguments and {@code kind} ({@code model_name},
 * {@code experiment_name}, ...) on string arguments that hold a name.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PluginView(String name, String version, String description, Map<String, ArgumentView> arguments,
                         Map<String, DatasetView> datasets, String modelReturnType) {

    public static PluginView of(PluginInfo info) {
        Map<String, ArgumentView> arguments = new LinkedHashMap<>();
        info.arguments().forEach(p -> arguments.put(p.name(), ArgumentView.of(p)));
        Map<String, DatasetView> datasets = new LinkedHashMap<>();
        info.datasets().forEach(d -> datasets.put(d.name(), DatasetView.of(d)));
        return new PluginView(info.name(), info.version(), info.description(), arguments, datasets, info.modelReturnType());
    }

    /**
     * One argument of a plugin.
     *
     * @param kind         what kind of name a string argument holds; absent on plain text
     * @param defaultValue null (present) without a default
     * @param min          absent when unbounded
     */
    public record ArgumentView(String name, String type, @JsonInclude(JsonInclude.Include.NON_NULL) String kind,
                               String description, boolean optional, @JsonProperty("default") JsonNode defaultValue,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Double min,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Double max) {
        static ArgumentView of(ParameterSpec p) {
            String kind = p.textKind() == TextKind.TEXT ? null : p.textKind().name().toLowerCase(Locale.ROOT);
            return new ArgumentView(p.name(), p.type().wireName(), kind, p.description(), p.optional(), p.defaultValue(),
                    p.min(), p.max());
        }
    }

    /** One dataset a plugin takes, by its key. */
    public record DatasetView(String name, String description, boolean optional) {
        static DatasetView of(DatasetSpec d) {
            return new DatasetView(d.name(), d.description(), d.optional());
        }
    }
}
