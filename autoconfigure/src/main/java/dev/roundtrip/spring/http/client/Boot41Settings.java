package dev.roundtrip.spring.http.client;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.InetAddress;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import dev.roundtrip.transport.AddressFilter;
import dev.roundtrip.transport.FilteredAddressException;
import dev.roundtrip.transport.Transport;

/**
 * The parts of {@link HttpClientSettings} that Spring Boot 4.1 added, reached by
 * reflection so that one artifact runs on Boot 4.0 as well: nothing here names a 4.1
 * type, and on 4.0 every method answers "not set". The methods and the constructor are
 * looked up once.
 * <ul>
 * <li>{@code inetAddressFilter()}: a Boot {@code InetAddressFilter}, applied by the
 * transport at dial time as an {@link AddressFilter} ({@link BootAddressFilter}); a
 * refused host fails with Boot's {@code FilteredHostException}, whose constructor is not
 * public;</li>
 * <li>{@code cookieHandling()}: a Boot {@code HttpCookieHandling}, read by its name.</li>
 * </ul>
 */
final class Boot41Settings {

	static final String INET_ADDRESS_FILTER = "org.springframework.boot.http.client.InetAddressFilter";

	static final String FILTERED_HOST_EXCEPTION = "org.springframework.boot.http.client.FilteredHostException";

	private static final @Nullable Method inetAddressFilter = ClassUtils.getMethodIfAvailable(HttpClientSettings.class,
			"inetAddressFilter");

	private static final @Nullable Method cookieHandling = ClassUtils.getMethodIfAvailable(HttpClientSettings.class,
			"cookieHandling");

	private static final @Nullable Method matches;

	private static final @Nullable Constructor<?> filteredHost;

	static {
		ClassLoader classLoader = HttpClientSettings.class.getClassLoader();
		Method matchesMethod = null;
		Constructor<?> filteredHostConstructor = null;
		if (ClassUtils.isPresent(INET_ADDRESS_FILTER, classLoader)
				&& ClassUtils.isPresent(FILTERED_HOST_EXCEPTION, classLoader)) {
			Class<?> filterType = ClassUtils.resolveClassName(INET_ADDRESS_FILTER, classLoader);
			matchesMethod = ClassUtils.getMethodIfAvailable(filterType, "matches", InetAddress.class);
			try {
				filteredHostConstructor = ClassUtils.resolveClassName(FILTERED_HOST_EXCEPTION, classLoader)
					.getDeclaredConstructor(String.class, filterType);
				ReflectionUtils.makeAccessible(filteredHostConstructor);
			}
			catch (NoSuchMethodException | RuntimeException ex) {
				filteredHostConstructor = null;
			}
		}
		matches = matchesMethod;
		filteredHost = filteredHostConstructor;
	}

	private Boot41Settings() {
	}

	/** The settings' {@code InetAddressFilter}, or {@code null} (always, on Boot 4.0). */
	static @Nullable Object inetAddressFilter(HttpClientSettings settings) {
		return (inetAddressFilter != null && matches != null)
				? ReflectionUtils.invokeMethod(inetAddressFilter, settings) : null;
	}

	/**
	 * The name of the settings' {@code HttpCookieHandling} constant, or {@code null}
	 * (always, on Boot 4.0).
	 */
	static @Nullable String cookieHandling(HttpClientSettings settings) {
		Object handling = (cookieHandling != null) ? ReflectionUtils.invokeMethod(cookieHandling, settings) : null;
		return (handling != null) ? ((Enum<?>) handling).name() : null;
	}

	/** Whether {@code transport} was built with {@code filter} as its address filter. */
	static boolean isFilteredBy(Transport transport, Object filter) {
		return transport.addressFilter() instanceof BootAddressFilter boot && boot.filter == filter;
	}

	/**
	 * Boot's {@code FilteredHostException} for a host the transport refused, when the
	 * transport's filter is a Boot one; otherwise {@code ex} itself.
	 */
	static Exception translate(FilteredAddressException ex, Transport transport) {
		if (transport.addressFilter() instanceof BootAddressFilter boot && filteredHost != null) {
			try {
				RuntimeException translated = (RuntimeException) filteredHost.newInstance(ex.host(), boot.filter);
				translated.initCause(ex);
				return translated;
			}
			catch (ReflectiveOperationException | RuntimeException failure) {
				ex.addSuppressed(failure);
			}
		}
		return ex;
	}

	/** A Boot {@code InetAddressFilter} as the transport's {@link AddressFilter}. */
	static final class BootAddressFilter implements AddressFilter {

		private final Object filter;

		private final Method matches;

		BootAddressFilter(Object filter) {
			this.filter = filter;
			this.matches = (Boot41Settings.matches != null) ? Boot41Settings.matches
					: ClassUtils.getMethod(filter.getClass(), "matches", InetAddress.class);
		}

		/** An address the filter cannot judge (it threw) is refused. */
		@Override
		public boolean permits(InetAddress address) {
			try {
				return Boolean.TRUE.equals(this.matches.invoke(this.filter, address));
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				return false;
			}
		}

		@Override
		public String toString() {
			return "InetAddressFilter " + this.filter;
		}

	}

}
