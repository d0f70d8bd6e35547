package org.chimp.store.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import org.chimp.store.ManifestEntry;

/**
 * One page of a dataset version's files.
 *
 * @param nextOffset where the next page starts; absent on a page shorter than the limit
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record FileListing(String ref, long offset, List<FileView> files,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Long nextOffset) {

    /** One file of a version: its path in the dataset layout, content hash and size. */
    public record FileView(String path, String sha256, long bytes) {
        static FileView of(ManifestEntry f) {
            return new FileView(f.path(), f.sha256(), f.size());
        }
    }
}
