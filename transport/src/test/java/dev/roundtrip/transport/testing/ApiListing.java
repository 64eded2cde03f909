package dev.roundtrip.transport.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Renders the public API of the packages under a root package, except those named
 * {@code internal} and their subpackages: one block per type, its declaration first, then
 * its public and protected members sorted, one per line. Built from reflection rather
 * than {@code toGenericString()}, whose wording changes between JDKs; parameter names are
 * left out (not part of the binary API), and so are annotations.
 */
public final class ApiListing {

	/** Regenerates the committed listings (CONTRIBUTING.md, "The public API"). */
	public static final String UPDATE_COMMAND = "./mvnw -B -q -pl transport,autoconfigure -am test -Dtest=PublicApiTests "
			+ "-Dsurefire.failIfNoSpecifiedTests=false -Dapi.update=true";

	private static final Pattern TYPE_NAME = Pattern.compile("(?:class|interface|enum|record|@interface) ([^\\s<]+)");

	private ApiListing() {
	}

	public static String of(Class<?> anchor, String rootPackage) {
		Map<String, List<String>> types = new TreeMap<>();
		for (Class<?> type : classesUnder(anchor, rootPackage)) {
			if (isApi(type)) {
				types.put(type.getName(), describe(type));
			}
		}
		StringBuilder listing = new StringBuilder();
		types.values().forEach((lines) -> {
			lines.forEach((line) -> listing.append(line).append('\n'));
			listing.append('\n');
		});
		return listing.toString();
	}

	/** Per type, the members added (+) and removed (-); whole types likewise. */
	/**
	 * Compares {@code actual} with the listing committed as {@code api/<artifact>.api}
	 * under the module's base directory, failing with the difference and the command that
	 * regenerates it; with {@code -Dapi.update=true}, writes it instead.
	 */
	public static void assertMatchesCommittedListing(String artifact, String actual) throws IOException {
		Path listing = Path.of(System.getProperty("basedir", "."), "api", artifact + ".api");
		if (Boolean.getBoolean("api.update")) {
			Files.createDirectories(listing.getParent());
			Files.writeString(listing, actual, StandardCharsets.UTF_8);
			return;
		}
		if (!Files.exists(listing)) {
			throw new AssertionError("No API listing at " + listing + ". Create it with:\n  " + UPDATE_COMMAND);
		}
		String expected = Files.readString(listing, StandardCharsets.UTF_8);
		if (!expected.equals(actual)) {
			throw new AssertionError("The public API of " + artifact + " differs from " + listing.getFileName()
					+ " (+ compiled now, - in the listing):\n" + diff(expected, actual)
					+ "\nIf the change is intended, regenerate the listing and commit it with the change:\n  "
					+ UPDATE_COMMAND);
		}
	}

	public static String diff(String expected, String actual) {
		Map<String, List<String>> before = parse(expected);
		Map<String, List<String>> after = parse(actual);
		Set<String> names = new TreeSet<>(before.keySet());
		names.addAll(after.keySet());
		StringBuilder diff = new StringBuilder();
		for (String name : names) {
			List<String> was = before.get(name);
			List<String> is = after.get(name);
			if (was == null) {
				is.forEach((line) -> diff.append("+ ").append(line).append('\n'));
			}
			else if (is == null) {
				was.forEach((line) -> diff.append("- ").append(line).append('\n'));
			}
			else if (!was.equals(is)) {
				diff.append("  ").append(name).append('\n');
				if (!was.get(0).equals(is.get(0))) {
					diff.append("-   ").append(was.get(0)).append('\n');
					diff.append("+   ").append(is.get(0)).append('\n');
				}
				was.stream()
					.skip(1)
					.filter((line) -> !is.contains(line))
					.forEach((line) -> diff.append("- ").append(line).append('\n'));
				is.stream()
					.skip(1)
					.filter((line) -> !was.contains(line))
					.forEach((line) -> diff.append("+ ").append(line).append('\n'));
			}
		}
		return diff.toString();
	}

	private static Map<String, List<String>> parse(String listing) {
		Map<String, List<String>> types = new LinkedHashMap<>();
		List<String> current = null;
		for (String line : listing.split("\n")) {
			if (line.isBlank()) {
				current = null;
			}
			else if (current == null) {
				Matcher name = TYPE_NAME.matcher(line);
				current = new ArrayList<>();
				current.add(line);
				types.put(name.find() ? name.group(1) : line, current);
			}
			else {
				current.add(line);
			}
		}
		return types;
	}

	private static List<Class<?>> classesUnder(Class<?> anchor, String rootPackage) {
		Path location;
		try {
			location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
		if (Files.isDirectory(location)) {
			return classesIn(location, anchor.getClassLoader(), rootPackage);
		}
		try (FileSystem jar = FileSystems.newFileSystem(location)) {
			return classesIn(jar.getPath("/"), anchor.getClassLoader(), rootPackage);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static List<Class<?>> classesIn(Path root, ClassLoader loader, String rootPackage) {
		Path packageDir = root.resolve(rootPackage.replace('.', '/'));
		try (Stream<Path> files = Files.walk(packageDir)) {
			return files.map((file) -> root.relativize(file).toString())
				.filter((name) -> name.endsWith(".class") && !name.endsWith("package-info.class")
						&& !name.endsWith("module-info.class"))
				.map((name) -> name.substring(0, name.length() - ".class".length()).replace('/', '.'))
				.sorted()
				.map((name) -> load(name, loader))
				.collect(Collectors.toList());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Class<?> load(String name, ClassLoader loader) {
		try {
			return Class.forName(name, false, loader);
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static boolean isApi(Class<?> type) {
		if (type.isSynthetic() || type.isAnonymousClass() || type.isLocalClass()) {
			return false;
		}
		String pkg = type.getPackageName();
		if (pkg.endsWith(".internal") || pkg.contains(".internal.")) {
			return false;
		}
		for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
			if (!isVisible(t.getModifiers())) {
				return false;
			}
		}
		return true;
	}

	private static boolean isVisible(int modifiers) {
		return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
	}

	private static List<String> describe(Class<?> type) {
		List<String> lines = new ArrayList<>();
		lines.add(declaration(type));
		// Sorted by name, then by the whole line: overloads stay together.
		Map<String, String> members = new TreeMap<>();
		for (Field field : type.getDeclaredFields()) {
			if (isMember(field)) {
				add(members, field.getName(),
						modifiers(field.getModifiers(), type) + name(field.getGenericType()) + " " + field.getName());
			}
		}
		for (Constructor<?> constructor : type.getDeclaredConstructors()) {
			if (isMember(constructor)) {
				add(members, "<init>", modifiers(constructor.getModifiers(), type) + typeParameters(constructor)
						+ type.getSimpleName() + signature(constructor));
			}
		}
		for (Method method : type.getDeclaredMethods()) {
			if (isMember(method) && !method.isBridge()) {
				add(members, method.getName(),
						modifiers(method.getModifiers(), type) + (method.isDefault() ? "default " : "")
								+ typeParameters(method) + name(method.getGenericReturnType()) + " " + method.getName()
								+ signature(method));
			}
		}
		members.values().forEach((member) -> lines.add("\t" + member));
		return lines;
	}

	private static void add(Map<String, String> members, String name, String line) {
		members.put(name + " " + line, line);
	}

	private static boolean isMember(Member member) {
		return !member.isSynthetic() && isVisible(member.getModifiers());
	}

	private static String declaration(Class<?> type) {
		StringBuilder declaration = new StringBuilder();
		int modifiers = type.getModifiers()
				& (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC | Modifier.FINAL | Modifier.ABSTRACT);
		String kind;
		if (type.isAnnotation()) {
			kind = "@interface";
			modifiers &= ~(Modifier.ABSTRACT | Modifier.STATIC);
		}
		else if (type.isInterface()) {
			kind = "interface";
			modifiers &= ~(Modifier.ABSTRACT | Modifier.STATIC);
		}
		else if (type.isEnum()) {
			kind = "enum";
			modifiers &= ~(Modifier.FINAL | Modifier.STATIC | Modifier.ABSTRACT);
		}
		else if (type.isRecord()) {
			kind = "record";
			modifiers &= ~(Modifier.FINAL | Modifier.STATIC);
		}
		else {
			kind = "class";
		}
		declaration.append(Modifier.toString(modifiers)).append(' ');
		if (type.isSealed()) {
			declaration.append("sealed ");
		}
		declaration.append(kind).append(' ').append(type.getName()).append(typeParameters(type.getTypeParameters()));
		Type superclass = type.getGenericSuperclass();
		if (superclass != null && superclass != Object.class && !type.isEnum() && !type.isRecord()) {
			declaration.append(" extends ").append(name(superclass));
		}
		Type[] interfaces = type.getGenericInterfaces();
		if (type.isAnnotation()) {
			interfaces = new Type[0];
		}
		if (interfaces.length > 0) {
			declaration.append(type.isInterface() ? " extends " : " implements ")
				.append(Arrays.stream(interfaces).map(ApiListing::name).collect(Collectors.joining(", ")));
		}
		if (type.isSealed()) {
			declaration.append(" permits ")
				.append(Arrays.stream(type.getPermittedSubclasses())
					.map(Class::getName)
					.sorted()
					.collect(Collectors.joining(", ")));
		}
		return declaration.toString();
	}

	private static String modifiers(int modifiers, Class<?> owner) {
		int shown = modifiers
				& (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC | Modifier.FINAL | Modifier.ABSTRACT);
		if (owner.isInterface()) {
			shown &= ~Modifier.ABSTRACT;
		}
		String text = Modifier.toString(shown);
		return text.isEmpty() ? "" : text + " ";
	}

	private static String typeParameters(Executable executable) {
		String parameters = typeParameters(executable.getTypeParameters());
		return parameters.isEmpty() ? "" : parameters + " ";
	}

	private static String typeParameters(TypeVariable<?>[] variables) {
		if (variables.length == 0) {
			return "";
		}
		return Arrays.stream(variables).map((variable) -> {
			List<String> bounds = Arrays.stream(variable.getBounds())
				.filter((bound) -> bound != Object.class)
				.map(ApiListing::name)
				.collect(Collectors.toList());
			return variable.getName() + (bounds.isEmpty() ? "" : " extends " + String.join(" & ", bounds));
		}).collect(Collectors.joining(", ", "<", ">"));
	}

	private static String signature(Executable executable) {
		Type[] parameters = executable.getGenericParameterTypes();
		if (parameters.length != executable.getParameterCount()) {
			// Inner-class and enum constructors: generic types leave out the implicit
			// parameters; the erased ones keep them.
			parameters = executable.getParameterTypes();
		}
		List<String> names = new ArrayList<>();
		for (int i = 0; i < parameters.length; i++) {
			String name = name(parameters[i]);
			if (executable.isVarArgs() && i == parameters.length - 1 && name.endsWith("[]")) {
				name = name.substring(0, name.length() - 2) + "...";
			}
			names.add(name);
		}
		StringBuilder signature = new StringBuilder("(").append(String.join(", ", names)).append(')');
		Type[] exceptions = executable.getGenericExceptionTypes();
		if (exceptions.length > 0) {
			signature.append(" throws ")
				.append(Arrays.stream(exceptions).map(ApiListing::name).sorted().collect(Collectors.joining(", ")));
		}
		return signature.toString();
	}

	private static String name(Type type) {
		if (type instanceof Class<?> raw) {
			return raw.isArray() ? name(raw.getComponentType()) + "[]" : raw.getName();
		}
		if (type instanceof ParameterizedType parameterized) {
			String owner = name(parameterized.getRawType());
			return owner + Arrays.stream(parameterized.getActualTypeArguments())
				.map(ApiListing::name)
				.collect(Collectors.joining(", ", "<", ">"));
		}
		if (type instanceof GenericArrayType array) {
			return name(array.getGenericComponentType()) + "[]";
		}
		if (type instanceof WildcardType wildcard) {
			if (wildcard.getLowerBounds().length > 0) {
				return "? super " + name(wildcard.getLowerBounds()[0]);
			}
			Type[] upper = wildcard.getUpperBounds();
			return (upper.length == 0 || upper[0] == Object.class) ? "?" : "? extends " + name(upper[0]);
		}
		return type.getTypeName();
	}

}
