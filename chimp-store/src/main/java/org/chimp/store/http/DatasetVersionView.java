package org.chimp.store.http;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.chimp.store.DatasetStore;

/**
 * A version's summary with its parent and creator: the {@link DatasetView} fields plus these two, both present and
 * null when unknown.
 *
 * @param parent the version it was made from as {@code name@version}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DatasetVersionView(@JsonUnwrapped DatasetView version, String parent, String createdBy) {

    public static DatasetVersionView of(DatasetStore.VersionInfo info) {
        return new DatasetVersionView(DatasetView.of(info.version()),
                info.parent() == null ? null : info.version().name() + "@" + info.parent(), info.createdBy());
    }
}
