package org.chimp.training;

import java.util.List;
import org.chimp.api.param.ParameterSpec;

/**
 * What a plugin is and takes; served by {@code GET /plugins?include_details=true} in CHIMP's PluginInfo shape.
 * Unlike CHIMP's, arguments are typed and checked before a task is queued.
 *
 * @param modelReturnType the kind of model the plugin registers ({@code onnx}), or null if none
 */
public record PluginInfo(String name, String version, String description, List<ParameterSpec> arguments,
                         List<DatasetSpec> datasets, String modelReturnType) {
    public PluginInfo {
        arguments = List.copyOf(arguments);
        datasets = List.copyOf(datasets);
    }
}
