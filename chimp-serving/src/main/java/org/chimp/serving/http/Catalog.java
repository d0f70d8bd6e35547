package org.chimp.serving.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chimp.api.Architecture;
import org.chimp.api.Architectures;
import org.chimp.api.DataType;
import org.chimp.api.Task;
import org.chimp.api.Tasks;
import org.chimp.api.param.ParameterSpec;

/**
 * {@code GET /tasks} and {@code GET /architectures}: what this server can run, so a client learns a task's input and
 * output forms (JSON Schemas with an example) and which architectures implement it without reading the source. The
 * tasks are CHIMP's catalogue plus those of architectures found in plugin jars.
 */
final class Catalog {
    private final Architectures architectures;

    Catalog(Architectures architectures) {
        this.architectures = architectures;
    }

    void tasks(Context ctx) {
        Map<String, Task<?, ?>> tasks = new LinkedHashMap<>();
        Tasks.all().forEach(t -> tasks.put(t.id(), t));
        architectures.all().forEach(a -> tasks.putIfAbsent(a.task().id(), a.task()));
        List<TaskEntry> out = new ArrayList<>();
        tasks.values().forEach(t -> out.add(new TaskEntry(t.id(), t.description(), DataTypeEntry.of(t.input()),
                DataTypeEntry.of(t.output()),
                architectures.all().stream().filter(a -> a.task().id().equals(t.id())).map(Architecture::name).toList())));
        ctx.json(new TaskList(out));
    }

    void architectures(Context ctx) {
        ctx.json(new ArchitectureList(architectures.all().stream().map(ArchitectureEntry::of).toList()));
    }

    /** The body of {@code GET /tasks}. */
    record TaskList(List<TaskEntry> tasks) {
    }

    /** One task: its id, what it does, its input and output forms, and the architectures implementing it. */
    record TaskEntry(String id, String description, DataTypeEntry input, DataTypeEntry output, List<String> architectures) {
    }

    /** A data type by id, with the JSON Schema of its JSON form (and an example in {@code examples}). */
    record DataTypeEntry(String type, JsonNode schema) {
        static DataTypeEntry of(DataType<?> type) {
            return new DataTypeEntry(type.id(), type.jsonSchemaWithExamples());
        }
    }

    /** The body of {@code GET /architectures}. */
    record ArchitectureList(List<ArchitectureEntry> architectures) {
    }

    /** One architecture: the parameters a model config may set and the artifacts it must reference. */
    record ArchitectureEntry(String name, String task, List<ParameterEntry> parameters,
                             @JsonProperty("required_artifacts") List<String> requiredArtifacts) {
        static ArchitectureEntry of(Architecture<?, ?> a) {
            return new ArchitectureEntry(a.name(), a.task().id(), a.parameters().stream().map(ParameterEntry::of).toList(),
                    a.requiredArtifacts());
        }
    }

    /** A declared parameter, its type by wire name ({@code str}, {@code int}, {@code float}, {@code bool}, {@code json}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ParameterEntry(String name, String type, String description, boolean optional,
                          @JsonProperty("default") JsonNode defaultValue, Double min, Double max) {
        static ParameterEntry of(ParameterSpec p) {
            return new ParameterEntry(p.name(), p.type().wireName(), p.description(), p.optional(),
                    p.defaultValue() == null || p.defaultValue().isNull() ? null : p.defaultValue(), p.min(), p.max());
        }
    }
}
