package dev.roundtrip.transport.internal;

import java.util.function.LongSupplier;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;

import dev.roundtrip.transport.Call;
import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.TransportListener;
import dev.roundtrip.transport.TransportSettings;
import dev.roundtrip.transport.internal.pool.ConnectionPool;

/** STUB: being written. */
public final class Engine {

	private final TransportSettings settings;

	public Engine(TransportSettings settings, SSLContext sslContext, HostnameVerifier hostnameVerifier,
			TransportListener listener, LongSupplier nanoClock) {
		this.settings = settings;
	}

	public Call newCall(Request request) {
		throw new UnsupportedOperationException("not yet");
	}

	public ConnectionPool pool() {
		throw new UnsupportedOperationException("not yet");
	}

	public TransportSettings settings() {
		return this.settings;
	}

	public void close() {
	}

}
