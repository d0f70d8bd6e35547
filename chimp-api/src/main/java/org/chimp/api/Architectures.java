package org.chimp.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.ServiceLoader;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.param.Parameters;

/**
 * The architectures available to this JVM, found with {@link ServiceLoader}, and the one place model configs
 * are validated and built, so every caller (serving, workers, training) applies the same rules.
 */
public final class Architectures {
    private final List<Architecture<?, ?>> all;

    public Architectures(List<Architecture<?, ?>> architectures) {
        this.all = List.copyOf(architectures);
    }

    /** Every architecture on the class path of the given loader. */
    public static Architectures load(ClassLoader loader) {
        List<Architecture<?, ?>> found = new ArrayList<>();
        for (Architecture<?, ?> a : ServiceLoader.load(Architecture.class, loader)) {
            found.add(a);
        }
        return new Architectures(found);
    }

    /** Every architecture on this class's class path. */
    public static Architectures load() {
        return load(Architectures.class.getClassLoader());
    }

    /** All architectures, in discovery order. */
    public List<Architecture<?, ?>> all() {
        return Collections.unmodifiableList(all);
    }

    /** The architecture a config names, checked to implement the config's task. */
    public Architecture<?, ?> find(String task, String name) {
        Tasks.byId(task);
        for (Architecture<?, ?> a : all) {
            if (a.name().equals(name)) {
                if (!a.task().id().equals(task)) {
                    throw ClientErrorException.invalid("Architecture '" + name + "' implements task '"
                            + a.task().id() + "', not '" + task + "'");
                }
                return a;
            }
        }
        throw ClientErrorException.invalid("Unknown architecture '" + name + "' for task '" + task + "'; available: "
                + String.join(", ", all.stream().filter(a -> a.task().id().equals(task)).map(Architecture::name).toList()));
    }

    /**
     * Checks a config against its architecture: known task and architecture, every required artifact present,
     * parameters of the declared types. Returns the config with defaults filled in.
     */
    public ModelConfig validate(ModelConfig config) {
        Architecture<?, ?> arch = find(config.task(), config.architecture());
        List<String> missing = arch.requiredArtifacts().stream().filter(n -> !config.artifacts().containsKey(n)).toList();
        if (!missing.isEmpty()) {
            throw ClientErrorException.invalid("Architecture '" + arch.name() + "' needs artifacts " + missing
                    + " in the model config's 'artifacts'");
        }
        return config.withParameters(Parameters.validate(arch.parameters(), config.parameters(),
                "architecture '" + arch.name() + "'"));
    }

    /** Validates and builds a model of whatever task the config names, with that task. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public TaskModel<?, ?> build(ModelConfig config, ArtifactResolver artifacts) {
        ModelConfig valid = validate(config);
        Architecture arch = find(valid.task(), valid.architecture());
        return new TaskModel(arch.task(), arch.build(valid, artifacts));
    }

    /** Validates and builds a model of the expected task. */
    @SuppressWarnings("unchecked")
    public <I, O> Model<I, O> build(Task<I, O> task, ModelConfig config, ArtifactResolver artifacts) {
        if (!task.id().equals(config.task())) {
            throw ClientErrorException.invalid("Expected a model of task '" + task.id() + "', the config says '" + config.task() + "'");
        }
        ModelConfig valid = validate(config);
        Architecture<I, O> arch = (Architecture<I, O>) find(valid.task(), valid.architecture());
        return arch.build(valid, artifacts);
    }
}
