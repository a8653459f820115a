using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static TerraFlow.Core.Projects.YamlValues;

namespace TerraFlow.Core.Projects;

/// <summary>
/// What every repository configuration reader (<see cref="RepoConfigParser"/>, <see cref="AtlantisConfigReader"/>)
/// does the same way: bounded loading of one YAML document, and turning a problem into a <see cref="ConfigError"/>
/// with file, line and column.
/// </summary>
internal static class ConfigFileReading
{
    /// <summary>Runs <paramref name="read"/>; its first problem, or a YAML error, becomes the result's error.</summary>
    public static RepoConfigResult Parse(string fileName, Func<RepoConfig> read)
    {
        try
        {
            return RepoConfigResult.Success(read());
        }
        catch (ConfigProblemException problem)
        {
            return RepoConfigResult.Failure(new ConfigError(fileName, problem.Line, problem.Column, problem.Message));
        }
        catch (YamlException yaml)
        {
            // Syntax errors, duplicate keys and unknown aliases all carry the position where YamlDotNet stopped.
            return RepoConfigResult.Failure(new ConfigError(
                fileName, (int)yaml.Start.Line, (int)yaml.Start.Column, $"invalid YAML: {yaml.Message}"));
        }
    }

    /// <summary>
    /// The root node of the file's single YAML document. The file is untrusted (it comes with a pull request): size,
    /// aliases, depth and node count are checked as the events arrive, before the model is built.
    /// </summary>
    /// <param name="emptyMessage">What to say when the file has no content.</param>
    public static YamlNode LoadSingleDocument(string yamlText, string emptyMessage)
    {
        var bytes = System.Text.Encoding.UTF8.GetByteCount(yamlText);
        if (bytes > YamlLimits.MaxBytes)
            throw new ConfigProblemException(new Mark(0, 1, 1), $"the file is {bytes:N0} bytes; at most {YamlLimits.MaxBytes:N0} are read");
        var stream = new YamlStream();
        stream.Load(new BoundedYamlParser(new Parser(new StringReader(yamlText))));
        if (stream.Documents.Count == 0 || IsNull(stream.Documents[0].RootNode))
            throw new ConfigProblemException(new Mark(0, 1, 1), emptyMessage);
        if (stream.Documents.Count > 1)
            throw Problem(stream.Documents[1].RootNode, "the file must contain a single YAML document, found a second one");
        return stream.Documents[0].RootNode;
    }
}
