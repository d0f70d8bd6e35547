package org.chimp.tracking.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.chimp.tracking.ArtifactFile;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.mlflow.PageToken.Page;

/** MLflow's artifacts/list: the files and directories directly under a path of a run's artifacts. */
final class ArtifactListing {
    private static final int PAGE_SIZE = 1000;
    private final TrackingStore store;

    ArtifactListing(TrackingStore store) {
        this.store = store;
    }

    void addTo(MlflowRoutes routes) {
        routes.get("artifacts/list", this::list);
    }

    private ObjectNode list(MlflowRequest r) {
        String runId = RunEndpoints.runId(r);
        String path = r.optional("path");
        String root = store.getRun(runId).info().artifactUri();
        List<ArtifactFile> all = store.listArtifacts(runId, path);
        Page<ArtifactFile> page = Page.fetch(PAGE_SIZE, r.optional("page_token"), List.of(runId, String.valueOf(path)),
                (max, offset) -> all.subList(Math.min(offset, all.size()), Math.min(offset + max, all.size())));
        ObjectNode o = MlflowJson.object().put("root_uri", root);
        ArrayNode files = o.putArray("files");
        for (ArtifactFile f : page.items()) {
            ObjectNode file = files.addObject().put("path", f.path()).put("is_dir", f.isDir());
            if (f.fileSize() != null) {
                file.put("file_size", f.fileSize());
            }
        }
        return MlflowJson.withToken(o, page);
    }
}
