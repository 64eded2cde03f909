package dev.roundtrip.transport.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A SOCKS5 proxy on loopback (RFC 1928, with RFC 1929 username/password), written for the
 * tests: it records what each client sent, then connects to {@code 127.0.0.1} at the
 * requested port whatever host was asked for (so a host name that resolves nowhere proves
 * the client left resolving to the proxy), and relays bytes both ways. It can require
 * credentials, refuse every {@code CONNECT} with a reply code, or never answer.
 */
public final class SocksProxy implements AutoCloseable {

	/** What the proxy asks of and answers to clients. */
	public record Behaviour(String user, String password, int refuseWith, boolean hang) {

		/** No authentication; every CONNECT succeeds. */
		public static final Behaviour OPEN = new Behaviour(null, null, 0, false);

		/** Requires {@code user} and {@code password} (RFC 1929). */
		public static Behaviour requiring(String user, String password) {
			return new Behaviour(user, password, 0, false);
		}

		/** Answers every CONNECT with reply {@code code} (5: connection refused). */
		public static Behaviour refusing(int code) {
			return new Behaviour(null, null, code, false);
		}

		/** Reads the greeting and never answers. */
		public static final Behaviour HANG = new Behaviour(null, null, 0, true);

	}

	/**
	 * What one client sent.
	 *
	 * @param methods the authentication methods offered in the greeting
	 * @param user the RFC 1929 user, or {@code null} if none was sent
	 * @param addressType of the CONNECT: 1 IPv4, 3 domain name, 4 IPv6; 0 if none came
	 * @param host the CONNECT's host: the name, or the address as text
	 */
	public record Received(List<Integer> methods, String user, String password, int addressType, String host,
			int port) {
	}

	private final RawServer server;

	private final Behaviour behaviour;

	private final List<Received> received = new CopyOnWriteArrayList<>();

	private final List<Socket> upstreams = new CopyOnWriteArrayList<>();

	private SocksProxy(Behaviour behaviour) {
		this.behaviour = behaviour;
		this.server = RawServer.start(this::serve);
	}

	public static SocksProxy start(Behaviour behaviour) {
		return new SocksProxy(behaviour);
	}

	public int port() {
		return this.server.port();
	}

	/** {@code scheme://[userInfo@]127.0.0.1:port}. */
	public URI uri(String scheme, String userInfo) {
		return URI.create(scheme + "://" + ((userInfo != null) ? userInfo + "@" : "") + "127.0.0.1:" + port());
	}

	/** What each client sent, in order of arrival, once its handshake is done. */
	public List<Received> received() {
		return List.copyOf(this.received);
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

	private void serve(RawServer.Conn conn) throws IOException {
		DataInputStream in = new DataInputStream(conn.socket().getInputStream());
		OutputStream out = conn.socket().getOutputStream();
		if (in.readUnsignedByte() != 5) {
			return;
		}
		List<Integer> methods = new java.util.ArrayList<>();
		int count = in.readUnsignedByte();
		for (int i = 0; i < count; i++) {
			methods.add(in.readUnsignedByte());
		}
		if (this.behaviour.hang()) {
			this.received.add(new Received(List.copyOf(methods), null, null, 0, null, 0));
			conn.readUntilEof(Duration.ofSeconds(10));
			return;
		}
		String user = null;
		String password = null;
		if (this.behaviour.user() != null) {
			if (!methods.contains(2)) {
				out.write(new byte[] { 5, (byte) 0xff });
				this.received.add(new Received(List.copyOf(methods), null, null, 0, null, 0));
				conn.readUntilEof(Duration.ofSeconds(10));
				return;
			}
			out.write(new byte[] { 5, 2 });
			in.readUnsignedByte();
			user = readString(in, in.readUnsignedByte());
			password = readString(in, in.readUnsignedByte());
			boolean ok = this.behaviour.user().equals(user) && this.behaviour.password().equals(password);
			out.write(new byte[] { 1, (byte) (ok ? 0 : 1) });
			if (!ok) {
				this.received.add(new Received(List.copyOf(methods), user, password, 0, null, 0));
				conn.readUntilEof(Duration.ofSeconds(10));
				return;
			}
		}
		else {
			out.write(new byte[] { 5, 0 });
		}
		in.readUnsignedByte();
		int command = in.readUnsignedByte();
		in.readUnsignedByte();
		int type = in.readUnsignedByte();
		String host = switch (type) {
			case 1 -> InetAddress.getByAddress(in.readNBytes(4)).getHostAddress();
			case 4 -> InetAddress.getByAddress(in.readNBytes(16)).getHostAddress();
			default -> readString(in, in.readUnsignedByte());
		};
		int port = in.readUnsignedShort();
		this.received.add(new Received(List.copyOf(methods), user, password, type, host, port));
		if (command != 1 || this.behaviour.refuseWith() != 0) {
			int code = (command != 1) ? 7 : this.behaviour.refuseWith();
			out.write(new byte[] { 5, (byte) code, 0, 1, 0, 0, 0, 0, 0, 0 });
			conn.readUntilEof(Duration.ofSeconds(10));
			return;
		}
		Socket upstream = new Socket();
		this.upstreams.add(upstream);
		try {
			upstream.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		}
		catch (IOException ex) {
			out.write(new byte[] { 5, 5, 0, 1, 0, 0, 0, 0, 0, 0 });
			return;
		}
		// Bound to a name, to check that the client reads a reply of type 3 to its end.
		byte[] bound = "relay.test".getBytes(StandardCharsets.US_ASCII);
		byte[] reply = new byte[5 + bound.length + 2];
		reply[0] = 5;
		reply[3] = 3;
		reply[4] = (byte) bound.length;
		System.arraycopy(bound, 0, reply, 5, bound.length);
		reply[reply.length - 2] = (byte) (upstream.getLocalPort() >> 8);
		reply[reply.length - 1] = (byte) upstream.getLocalPort();
		out.write(reply);
		out.flush();
		RawServer.relayBothWays(conn.socket(), upstream, "socks-proxy-" + port());
	}

	private static String readString(DataInputStream in, int length) throws IOException {
		return new String(in.readNBytes(length), StandardCharsets.UTF_8);
	}

}
