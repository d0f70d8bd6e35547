package org.chimp.training.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
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
public final class PluginInfoJson {
    private PluginInfoJson() {
    }

    /** The JSON form of a plugin's info. */
    public static ObjectNode of(PluginInfo info) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("name", info.name());
        n.put("version", info.version());
        n.put("description", info.description());
        ObjectNode args = n.putObject("arguments");
        for (ParameterSpec p : info.arguments()) {
            ObjectNode a = args.putObject(p.name());
            a.put("name", p.name());
            a.put("type", p.type().wireName());
            if (p.textKind() != TextKind.TEXT) {
                a.put("kind", p.textKind().name().toLowerCase(Locale.ROOT)); // a name, checked as such
            }
            a.put("description", p.description());
            a.put("optional", p.optional());
            a.set("default", p.defaultValue() == null ? JsonNodeFactory.instance.nullNode() : p.defaultValue());
            if (p.min() != null) {
                a.put("min", p.min());
            }
            if (p.max() != null) {
                a.put("max", p.max());
            }
        }
        ObjectNode datasets = n.putObject("datasets");
        for (DatasetSpec d : info.datasets()) {
            ObjectNode o = datasets.putObject(d.name());
            o.put("name", d.name());
            o.put("description", d.description());
            o.put("optional", d.optional());
        }
        n.put("model_return_type", info.modelReturnType());
        return n;
    }
}
