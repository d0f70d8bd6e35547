package org.chimp.training.runner;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.chimp.api.error.ClientErrorException;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobSpec;
import org.chimp.jobs.JobRequest;
import org.chimp.store.DatasetVersion;

/** In-memory datasets and jobs, so the service and routes can be tested without the store and jobs modules. */
public final class FakeQueue {
    public final Map<String, Job> jobs = new LinkedHashMap<>();
    public final List<JobRequest> submitted = new ArrayList<>();
    private final Map<String, Integer> newestVersion = new LinkedHashMap<>();

    /** Declares a dataset whose newest version is {@code version}. */
    public FakeQueue dataset(String name, int version) {
        newestVersion.put(name, version);
        return this;
    }

    public DatasetVersion resolve(String ref) {
        String name = ref.contains("@") ? ref.substring(0, ref.indexOf('@')) : ref;
        Integer newest = newestVersion.get(name);
        if (newest == null) {
            throw ClientErrorException.notFound("No dataset '" + name + "'");
        }
        int v = ref.contains("@") ? Integer.parseInt(ref.substring(ref.indexOf('@') + 1)) : newest;
        return new DatasetVersion(name, v, "sha256:abc", 1, 1, Map.of(), Instant.EPOCH);
    }

    public Job submit(JobRequest r) {
        submitted.add(r);
        Job j = Job.queued(new JobSpec("job-" + submitted.size(), r.queue(), r.type(), r.payload(), r.maxAttempts(),
                r.priority(), r.idempotencyKey(), null, Instant.now()));
        jobs.put(j.id(), j);
        return j;
    }

    public Optional<Job> find(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    public TrainingService service(PluginRegistry plugins) {
        return new TrainingService(plugins, this::resolve, this::submit, this::find);
    }
}
