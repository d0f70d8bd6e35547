package org.chimp.tracking.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.chimp.api.ModelConfig;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;
import org.chimp.db.TestDatabases;
import org.chimp.store.ArtifactStore;
import org.chimp.tracking.MemoryBlobStore;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * V4 gives registered models a surrogate id: a registry written by the V3 schema (model_name keys everywhere) keeps
 * every model, version, tag and alias, and a rename afterwards writes the model's row and nothing else.
 */
class RegistryIdMigrationTest {
    private static final ModelConfig CONFIG = new ModelConfig("image-classification", "onnx", Map.of(), null);
    private static final String RENAME = "UPDATE tracking_registered_models SET name = ?, last_updated_time = ? WHERE name = ?";

    @TempDir
    Path tmp;

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void v4KeepsTheRegistryAndARenameIsOneUpdate(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration/tracking").table("flyway_history_tracking")
                    .baselineOnMigrate(true).baselineVersion("0").target("3").load().migrate();
            writeV3Registry(ds);

            ArtifactStore artifacts = new ArtifactStore(new MemoryBlobStore(), tmp.resolve("cache"));
            ModelRegistry r = new ModelRegistry(ds, artifacts);
            RegisteredModel faces = r.model("faces");
            assertThat(faces).isEqualTo(new RegisteredModel("faces", "d", 1000, 2000, Map.of("team", "vision"), Map.of("champion", 2)));
            assertThat(r.version("faces", 1)).isEqualTo(new ModelVersion("faces", 1, Stage.PRODUCTION, "run1", "s3://a", CONFIG,
                    "first", 1100, 1200, Map.of("k", "v", ModelRegistry.PROMOTED_AT_TAG, "1200")));
            assertThat(r.version("faces", 2)).isEqualTo(new ModelVersion("faces", 2, Stage.NONE, null, "s3://b", null, null,
                    1300, 1300, Map.of()));
            assertThat(r.model("cars").tags()).isEmpty();
            assertThat(r.versions(null, 10, 0)).extracting(ModelVersion::name, ModelVersion::version)
                    .containsExactly(tuple("cars", 1), tuple("faces", 2), tuple("faces", 1));
            assertThat(r.latest("faces", Stage.PRODUCTION)).map(ModelVersion::version).hasValue(1);
            assertThat(r.byAlias("faces", "champion").version()).isEqualTo(2);
            assertThat(r.searchModels("tags.team = 'vision'", List.of(), 10, 0)).extracting(RegisteredModel::name).containsExactly("faces");
            assertThat(r.createVersion("faces", null, "s3://c", CONFIG, null).version()).as("numbering continues").isEqualTo(3);
            assertThat(r.createModel("dogs", null, Map.of()).name()).as("ids go on after the migrated ones").isEqualTo("dogs");

            List<String> childRowsBefore = childRowVersions(kind, ds);
            List<String> statements = new CopyOnWriteArrayList<>();
            ModelRegistry recorded = new ModelRegistry(recording(ds, statements), artifacts);
            statements.clear();
            assertThat(recorded.renameModel("faces", "emotions").aliases()).containsEntry("champion", 2);
            assertThat(statements).filteredOn(sql -> !sql.startsWith("SELECT")).containsExactly(RENAME);
            assertThat(childRowVersions(kind, ds)).as("no version, tag or alias row was written").isEqualTo(childRowsBefore);

            assertThat(r.exists("faces")).isFalse();
            assertThat(r.model("emotions").tags()).containsEntry("team", "vision");
            assertThat(r.version("emotions", 1).tags()).containsEntry("k", "v");
            assertThat(r.versions("emotions", 10, 0)).extracting(ModelVersion::version).containsExactly(3, 2, 1);
            assertThat(r.searchVersions("name = 'emotions'", List.of(), 10, 0)).hasSize(3);
            assertThatThrownBy(() -> r.renameModel("emotions", "cars")).isInstanceOfSatisfying(ClientErrorException.class,
                    e -> assertThat(e.status()).isEqualTo(409));
            assertThat(r.version("emotions", 2).version()).isEqualTo(2);
            r.deleteModel("emotions");
            assertThat(r.names()).containsExactly("cars", "dogs");
        }
    }

    /** Rows as the V3 code wrote them: children keyed by model_name. */
    private static void writeV3Registry(DataSource ds) {
        Jdbc.inTransaction(ds, c -> {
            Sql.update(c, "INSERT INTO tracking_registered_models (name, description, last_version, creation_time, last_updated_time) "
                    + "VALUES ('faces', 'd', 2, 1000, 2000), ('cars', NULL, 1, 900, 900)");
            Sql.update(c, "INSERT INTO tracking_registered_model_tags (model_name, name, val) VALUES ('faces', 'team', 'vision')");
            Sql.update(c, "INSERT INTO tracking_model_versions (model_name, version, stage, run_id, source, config, description, "
                    + "status, creation_time, last_updated_time) VALUES "
                    + "('faces', 1, 'Production', 'run1', 's3://a', ?, 'first', 'READY', 1100, 1200), "
                    + "('faces', 2, 'None', NULL, 's3://b', NULL, NULL, 'READY', 1300, 1300), "
                    + "('cars', 1, 'None', NULL, 's3://x', NULL, NULL, 'READY', 950, 950)", CONFIG.toJson().toString());
            Sql.update(c, "INSERT INTO tracking_model_version_tags (model_name, version, name, val) VALUES "
                    + "('faces', 1, 'k', 'v'), ('faces', 1, ?, '1200')", ModelRegistry.PROMOTED_AT_TAG);
            return Sql.update(c, "INSERT INTO tracking_model_aliases (model_name, alias, version) VALUES ('faces', 'champion', 2)");
        });
    }

    /**
     * On PostgreSQL, the transaction that last wrote each version, tag and alias row (xmin): any rewrite changes it.
     * H2 has no such column; there the recorded statements show it.
     */
    private static List<String> childRowVersions(TestDatabases.Kind kind, DataSource ds) {
        if (kind != TestDatabases.Kind.POSTGRES) {
            return List.of();
        }
        return Jdbc.withConnection(ds, c -> {
            List<String> out = new ArrayList<>();
            for (String table : List.of("tracking_model_versions", "tracking_model_version_tags", "tracking_registered_model_tags",
                    "tracking_model_aliases")) {
                out.addAll(Sql.list(c, "SELECT '" + table + "' || ':' || CAST(ctid AS VARCHAR) || ':' || CAST(xmin AS VARCHAR) FROM "
                        + table + " ORDER BY 1", rs -> rs.getString(1)));
            }
            return out;
        });
    }

    /** A data source whose connections record the SQL of every statement they prepare (any other kind is recorded by name). */
    private static DataSource recording(DataSource ds, List<String> statements) {
        InvocationHandler dataSource = (proxy, method, args) -> {
            Object result = invoke(ds, method, args);
            if (!(result instanceof Connection c)) {
                return result;
            }
            return Proxy.newProxyInstance(RegistryIdMigrationTest.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (p, m, a) -> {
                        if (m.getName().startsWith("prepare")) {
                            statements.add(((String) a[0]).strip());
                        } else if (m.getName().equals("createStatement")) {
                            statements.add("createStatement");
                        }
                        return invoke(c, m, a);
                    });
        };
        return (DataSource) Proxy.newProxyInstance(RegistryIdMigrationTest.class.getClassLoader(), new Class<?>[] {DataSource.class},
                dataSource);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
