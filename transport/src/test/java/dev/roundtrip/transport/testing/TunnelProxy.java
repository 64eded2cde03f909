package dev.roundtrip.transport.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLContext;

/**
 * A {@code CONNECT} proxy on loopback: reads {@code CONNECT host:port}, records the
 * request's head, and either refuses with a scripted status or connects to the target
 * (which must be loopback) and relays bytes both ways until either side closes. Or it
 * hangs, never answering. In {@link Mode#TUNNEL} it also answers requests in absolute
 * form itself, with {@code proxied <target>}, keeping the connection open. Plain TCP, or
 * TLS ({@link #startTls}) as an {@code https://} proxy.
 */
public final class TunnelProxy implements AutoCloseable {

	/** What the proxy does with a CONNECT. */
	public enum Mode {

		/** Answers 200 and relays. */
		TUNNEL,

		/**
		 * Answers 407 Proxy Authentication Required and waits for the client to close.
		 */
		REFUSE_407,

		/** Never answers; waits for the client to close. */
		HANG

	}

	private final RawServer server;

	private final List<List<String>> heads = new CopyOnWriteArrayList<>();

	private final List<List<String>> forwardedHeads = new CopyOnWriteArrayList<>();

	private final boolean tls;

	private final List<Socket> upstreams = new CopyOnWriteArrayList<>();

	private TunnelProxy(Mode mode, SSLContext context) {
		this.tls = context != null;
		RawServer.Handler handler = (conn) -> serve(conn, mode);
		this.server = (context != null) ? RawServer.startTls(context, handler) : RawServer.start(handler);
	}

	public static TunnelProxy start(Mode mode) {
		return new TunnelProxy(mode, null);
	}

	/** An {@code https://} proxy: TLS with the key material of {@code context}. */
	public static TunnelProxy startTls(SSLContext context, Mode mode) {
		return new TunnelProxy(mode, context);
	}

	public int port() {
		return this.server.port();
	}

	/** {@code http://[userInfo@]127.0.0.1:port}, or {@code https://} for a TLS proxy. */
	public URI uri(String userInfo) {
		return URI.create((this.tls ? "https" : "http") + "://" + ((userInfo != null) ? userInfo + "@" : "")
				+ "127.0.0.1:" + port());
	}

	/**
	 * {@code scheme://[userInfo@]localhost:port}, for a certificate that names localhost.
	 */
	public URI uri(String userInfo, String host) {
		return URI.create((this.tls ? "https" : "http") + "://" + ((userInfo != null) ? userInfo + "@" : "") + host
				+ ":" + port());
	}

	/** The heads of the requests in absolute form it answered itself. */
	public List<List<String>> forwardedHeads() {
		return List.copyOf(this.forwardedHeads);
	}

	/**
	 * The heads of the CONNECT requests received, each its request line then header
	 * lines.
	 */
	public List<List<String>> connectHeads() {
		return List.copyOf(this.heads);
	}

	public RawServer server() {
		return this.server;
	}

	@Override
	public void close() {
		for (Socket upstream : this.upstreams) {
			RawServer.closeQuietly(upstream);
		}
		this.server.close();
	}

	private void serve(RawServer.Conn conn, Mode mode) throws IOException {
		List<String> head = conn.readHead();
		while (head != null && mode == Mode.TUNNEL && !head.get(0).startsWith("CONNECT ")) {
			this.forwardedHeads.add(head);
			conn.respond(200, "proxied " + head.get(0).split(" ")[1]);
			head = conn.readHead();
		}
		if (head == null) {
			return;
		}
		this.heads.add(head);
		String[] requestLine = head.get(0).split(" ");
		if (!requestLine[0].equals("CONNECT")) {
			conn.respond(405, "only CONNECT here", "Connection: close");
			return;
		}
		switch (mode) {
			case REFUSE_407 -> {
				conn.write("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
						+ "Content-Length: 0\r\n\r\n");
				conn.readUntilEof(Duration.ofSeconds(10));
			}
			case HANG -> conn.readUntilEof(Duration.ofSeconds(10));
			case TUNNEL -> tunnel(conn, requestLine[1]);
		}
	}

	private void tunnel(RawServer.Conn conn, String authority) throws IOException {
		int colon = authority.lastIndexOf(':');
		String host = authority.substring(0, colon);
		int port = Integer.parseInt(authority.substring(colon + 1));
		if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
			conn.respond(403, "loopback targets only", "Connection: close");
			return;
		}
		Socket upstream = new Socket();
		this.upstreams.add(upstream);
		upstream.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		conn.write("HTTP/1.1 200 Connection established\r\n\r\n");
		RawServer.relayBothWays(conn.socket(), upstream, "tunnel-proxy-" + port());
	}

}
