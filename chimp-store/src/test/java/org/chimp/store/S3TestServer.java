package org.chimp.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.function.IntSupplier;
import org.gaul.s3proxy.S3Proxy;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 server in the test's JVM: s3proxy on a free loopback port, keeping its objects in a directory. s3proxy
 * relocates its Jetty 12 inside its jar but needs the Servlet 6 API, while Javalin's Jetty 11 needs Servlet 5 on the
 * test class path: so s3proxy runs in a class loader of its own that sees the Servlet 6 jar (path in the system
 * property {@code chimp.s3proxy.servlet}, set by the build) and takes everything else from the test class path.
 */
public final class S3TestServer implements AutoCloseable {
    public static final String ACCESS_KEY = "chimp-test";
    public static final String SECRET_KEY = "chimp-test-secret";

    private final AutoCloseable proxy;
    private final URI endpoint;

    private S3TestServer(AutoCloseable proxy, URI endpoint) {
        this.proxy = proxy;
        this.endpoint = endpoint;
    }

    /** Starts a server keeping its buckets under {@code dir}. */
    public static S3TestServer start(Path dir) throws Exception {
        Files.createDirectories(dir);
        String servlet = System.getProperty("chimp.s3proxy.servlet");
        if (servlet == null || !Files.isRegularFile(Path.of(servlet))) {
            throw new IllegalStateException("System property chimp.s3proxy.servlet must name the jakarta.servlet-api 6 jar (the build sets it)");
        }
        URL[] urls = {location(S3Proxy.class), Path.of(servlet).toUri().toURL(), location(S3ProxyLauncher.class)};
        ClassLoader loader = new IsolatingLoader(urls, S3TestServer.class.getClassLoader());
        Object launched = loader.loadClass(S3ProxyLauncher.class.getName())
                .getMethod("start", String.class, String.class, String.class)
                .invoke(null, dir.toAbsolutePath().toString(), ACCESS_KEY, SECRET_KEY);
        int port = ((IntSupplier) launched).getAsInt();
        return new S3TestServer((AutoCloseable) launched, URI.create("http://127.0.0.1:" + port));
    }

    private static URL location(Class<?> c) throws Exception {
        return c.getProtectionDomain().getCodeSource().getLocation();
    }

    /** Child-first for s3proxy, the Servlet API and the launcher; everything else from the parent. */
    private static final class IsolatingLoader extends URLClassLoader {
        IsolatingLoader(URL[] urls, ClassLoader parent) {
            super("s3proxy", urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("org.gaul.") && !name.startsWith("jakarta.servlet.") && !name.startsWith(S3ProxyLauncher.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
    public URI endpoint() {
        return endpoint;
    }

    /** Options that reach this server (path-style, small parts so multipart is exercised by modest objects). */
    public S3Options options() {
        return new S3Options(endpoint, "us-east-1", true, S3Options.MIN_PART_SIZE, 3);
    }

    public StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    public S3Client client() {
        return S3BlobStore.client(options(), credentials());
    }

    /** Creates a bucket and returns a store on it under {@code prefix}. */
    public S3BlobStore store(String bucket, String prefix) {
        S3Client c = client();
        if (!c.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket))) {
            c.createBucket(r -> r.bucket(bucket));
        }
        return new S3BlobStore(c, bucket, prefix, S3Options.MIN_PART_SIZE);
    }

    @Override
    public void close() throws Exception {
        proxy.close();
    }
}
