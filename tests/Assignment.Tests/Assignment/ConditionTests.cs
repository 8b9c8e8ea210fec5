using System.Text.Json;
using Expothesis.Fast.Assignment;

namespace Expothesis.Fast.Assignment.Tests;

/// <summary>Every operator of the condition language, pass and fail, with GrowthBook's JavaScript semantics.</summary>
public sealed class ConditionTests
{
    public static TheoryData<string, string, string, bool> Cases => new()
    {
        // Implicit equality
        { "string equal", """{"name":"hello"}""", """{"name":"hello"}""", true },
        { "string not equal", """{"name":"hello"}""", """{"name":"world"}""", false },
        { "string equal with escapes", """{"name":"h\u00e9llo"}""", """{"name":"héllo"}""", true },
        { "multiple datatypes", """{"str":"str","num":10,"flag":false}""", """{"str":"str","num":10,"flag":false}""", true },
        { "all clauses must hold", """{"str":"str","num":10}""", """{"str":"str","num":11}""", false },
        { "number equals numeric string", """{"num":10}""", """{"num":"10"}""", true },
        { "string equals number", """{"num":"10"}""", """{"num":10}""", true },
        { "string 10.0 does not equal number 10", """{"num":"10.0"}""", """{"num":10}""", false },
        { "number 10.0 equals number 10", """{"num":10.0}""", """{"num":10}""", true },
        { "number fail", """{"num":10}""", """{"num":11}""", false },
        { "boolean true pass", """{"premium":true}""", """{"premium":true}""", true },
        { "boolean true truthy string", """{"premium":true}""", """{"premium":"yes"}""", true },
        { "boolean true fail", """{"premium":true}""", """{"premium":false}""", false },
        { "boolean false pass", """{"premium":false}""", """{"premium":0}""", true },
        { "boolean false on missing is false", """{"premium":false}""", """{}""", false },
        { "null condition null attribute", """{"userId":null}""", """{"userId":null}""", true },
        { "null condition missing attribute", """{"userId":null}""", """{}""", true },
        { "null condition string attribute", """{"userId":null}""", """{"userId":"123"}""", false },
        { "null condition zero attribute", """{"userId":null}""", """{"userId":0}""", false },
        { "null condition empty string", """{"userId":null}""", """{"userId":""}""", false },
        { "equals array pass", """{"tags":["hello","world"]}""", """{"tags":["hello","world"]}""", true },
        { "equals array order", """{"tags":["hello","world"]}""", """{"tags":["world","hello"]}""", false },
        { "equals array missing item", """{"tags":["hello","world"]}""", """{"tags":["hello"]}""", false },
        { "equals array extra item", """{"tags":["hello","world"]}""", """{"tags":["hello","world","foo"]}""", false },
        { "equals array type mismatch", """{"tags":["hello","world"]}""", """{"tags":"hello world"}""", false },
        { "equals object pass", """{"tags":{"hello":"world"}}""", """{"tags":{"hello":"world"}}""", true },
        { "equals object extra property", """{"tags":{"hello":"world"}}""", """{"tags":{"hello":"world","yes":"please"}}""", false },
        { "equals object missing property", """{"tags":{"hello":"world"}}""", """{"tags":{}}""", false },
        { "equals object type mismatch", """{"tags":{"hello":"world"}}""", """{"tags":"hello world"}""", false },
        { "equals nested object exact numbers", """{"o":{"a":[1,{"b":null}]}}""", """{"o":{"a":[1.0,{"b":null}]}}""", true },
        { "equals empty object", """{"o":{}}""", """{"o":{}}""", true },
        { "object with a non-operator key is literal", """{"o":{"$gt":1,"x":2}}""", """{"o":5}""", false },
        { "empty condition", """{}""", """{"hello":"world"}""", true },

        // Field paths
        { "dotted path", """{"father.age":70}""", """{"father":{"age":70}}""", true },
        { "dotted path missing", """{"father.age":{"$exists":true}}""", """{"father":{}}""", false },
        { "nested value is null", """{"address.state":"CA"}""", """{"address":null}""", false },
        { "nested value is integer", """{"address.state":"CA"}""", """{"address":123}""", false },
        { "array index in path", """{"tags.1":"b"}""", """{"tags":["a","b"]}""", true },
        { "array index out of range", """{"tags.5":{"$exists":true}}""", """{"tags":["a","b"]}""", false },

        // $eq / $ne
        { "$eq pass", """{"occupation":{"$eq":"engineer"}}""", """{"occupation":"engineer"}""", true },
        { "$eq fail", """{"occupation":{"$eq":"engineer"}}""", """{"occupation":"civil engineer"}""", false },
        { "$eq is strict", """{"n":{"$eq":5}}""", """{"n":"5"}""", false },
        { "$eq number", """{"n":{"$eq":5}}""", """{"n":5.0}""", true },
        { "$eq null matches missing", """{"n":{"$eq":null}}""", """{}""", true },
        { "$eq array never identical", """{"n":{"$eq":[1]}}""", """{"n":[1]}""", false },
        { "$ne pass", """{"level":{"$ne":"senior"}}""", """{"level":"junior"}""", true },
        { "$ne fail", """{"level":{"$ne":"senior"}}""", """{"level":"senior"}""", false },
        { "$ne missing", """{"level":{"$ne":"senior"}}""", """{}""", true },

        // $lt $lte $gt $gte
        { "$gt/$lt numbers pass", """{"age":{"$gt":30,"$lt":60}}""", """{"age":50}""", true },
        { "$gt/$lt fail $lt", """{"age":{"$gt":30,"$lt":60}}""", """{"age":60}""", false },
        { "$gt/$lt fail $gt", """{"age":{"$gt":30,"$lt":60}}""", """{"age":30}""", false },
        { "$gte/$lte pass $gte", """{"age":{"$gte":30,"$lte":60}}""", """{"age":30}""", true },
        { "$gte/$lte pass $lte", """{"age":{"$gte":30,"$lte":60}}""", """{"age":60}""", true },
        { "$gte/$lte fail $lte", """{"age":{"$gte":30,"$lte":60}}""", """{"age":61}""", false },
        { "$gte fail", """{"age":{"$gte":30}}""", """{"age":29}""", false },
        { "$gt/$lt strings pass", """{"word":{"$gt":"alphabet","$lt":"zebra"}}""", """{"word":"always"}""", true },
        { "$gt/$lt strings fail $gt", """{"word":{"$gt":"alphabet","$lt":"zebra"}}""", """{"word":"alphabet"}""", false },
        { "$gt/$lt strings fail $lt", """{"word":{"$gt":"alphabet","$lt":"zebra"}}""", """{"word":"zebra"}""", false },
        { "$gt/$lt strings uppercase sorts first", """{"word":{"$gt":"alphabet","$lt":"zebra"}}""", """{"word":"AZL"}""", false },
        { "numeric string against numbers", """{"n":{"$gt":5,"$lt":10}}""", """{"n":"8"}""", true },
        { "number against numeric strings", """{"n":{"$gt":"5","$lt":"10"}}""", """{"n":8}""", true },
        { "two strings compare as strings", """{"n":{"$gt":"5"}}""", """{"n":"10"}""", false },
        { "non-numeric string against number", """{"n":{"$gt":5}}""", """{"n":"abc"}""", false },
        { "non-numeric string lte against number", """{"n":{"$lte":5}}""", """{"n":"abc"}""", false },
        { "missing attribute compares as 0", """{"age":{"$gt":-10,"$lt":10,"$gte":-9,"$lte":9,"$ne":10}}""", """{}""", true },
        { "missing attribute not above 0", """{"age":{"$gt":0}}""", """{}""", false },
        { "boolean compares as number", """{"flag":{"$gte":1}}""", """{"flag":true}""", true },
        { "$lte equal strings", """{"s":{"$lte":"b"}}""", """{"s":"b"}""", true },

        // $exists
        { "$exists false pass", """{"pets.dog.name":{"$exists":false}}""", """{"hello":"world"}""", true },
        { "$exists false fail", """{"pets.dog.name":{"$exists":false}}""", """{"pets":{"dog":{"name":"fido"}}}""", false },
        { "$exists true fail", """{"pets.dog.name":{"$exists":true}}""", """{"hello":"world"}""", false },
        { "$exists true pass", """{"pets.dog.name":{"$exists":true}}""", """{"pets":{"dog":{"name":"fido"}}}""", true },
        { "$exists true null value", """{"a":{"$exists":true}}""", """{"a":null}""", false },
        { "$exists true falsy value", """{"a":{"$exists":true}}""", """{"a":0}""", true },

        // $in / $nin
        { "$in pass", """{"num":{"$in":[1,2,3]}}""", """{"num":2}""", true },
        { "$in fail", """{"num":{"$in":[1,2,3]}}""", """{"num":4}""", false },
        { "$in is strict", """{"num":{"$in":[1,2,3]}}""", """{"num":"2"}""", false },
        { "$in not array", """{"num":{"$in":1}}""", """{"num":1}""", false },
        { "$in strings", """{"country":{"$in":["US","CA"]}}""", """{"country":"CA"}""", true },
        { "$in strings fail", """{"country":{"$in":["US","CA"]}}""", """{"country":"DE"}""", false },
        { "$in long list", """{"c":{"$in":["a","b","c","d","e","f","g"]}}""", """{"c":"f"}""", true },
        { "$in long list fail", """{"c":{"$in":["a","b","c","d","e","f","g"]}}""", """{"c":"h"}""", false },
        { "$in array pass 1", """{"tags":{"$in":["a","b"]}}""", """{"tags":["d","e","a"]}""", true },
        { "$in array pass 2", """{"tags":{"$in":["a","b"]}}""", """{"tags":["d","b","f"]}""", true },
        { "$in array fail", """{"tags":{"$in":["a","b"]}}""", """{"tags":["d","e","f"]}""", false },
        { "$in empty array", """{"tags":{"$in":["a","b"]}}""", """{"tags":[]}""", false },
        { "$in missing attribute", """{"pets.dog.name":{"$in":["fido"]}}""", """{"hello":"world"}""", false },
        { "$in null matches missing", """{"a":{"$in":[null]}}""", """{}""", true },
        { "$in booleans", """{"a":{"$in":[true]}}""", """{"a":true}""", true },
        { "$nin pass", """{"num":{"$nin":[1,2,3]}}""", """{"num":4}""", true },
        { "$nin fail", """{"num":{"$nin":[1,2,3]}}""", """{"num":2}""", false },
        { "$nin not array", """{"num":{"$nin":1}}""", """{"num":1}""", false },
        { "$nin array fail", """{"tags":{"$nin":["a","b"]}}""", """{"tags":["d","e","a"]}""", false },
        { "$nin array pass", """{"tags":{"$nin":["a","b"]}}""", """{"tags":["d","e","f"]}""", true },
        { "$nin empty array", """{"tags":{"$nin":["a","b"]}}""", """{"tags":[]}""", true },
        { "$nin missing attribute", """{"c":{"$nin":["US"]}}""", """{}""", true },
        { "$ini pass", """{"c":{"$ini":["us","ca"]}}""", """{"c":"US"}""", true },
        { "$nini fail", """{"c":{"$nini":["us","ca"]}}""", """{"c":"Ca"}""", false },

        // $all
        { "$all pass", """{"tags":{"$all":["one","three"]}}""", """{"tags":["one","two","three"]}""", true },
        { "$all fail", """{"tags":{"$all":["one","three"]}}""", """{"tags":["one","two","four"]}""", false },
        { "$all not array attribute", """{"tags":{"$all":["one","three"]}}""", """{"tags":"hello"}""", false },
        { "$all not array operand", """{"tags":{"$all":"one"}}""", """{"tags":["one"]}""", false },
        { "$all with operators", """{"n":{"$all":[{"$gt":5},{"$lt":2}]}}""", """{"n":[1,9]}""", true },
        { "$alli pass", """{"tags":{"$alli":["ONE"]}}""", """{"tags":["one"]}""", true },

        // $elemMatch
        { "$elemMatch flat pass", """{"nums":{"$elemMatch":{"$gt":10}}}""", """{"nums":[0,5,-20,15]}""", true },
        { "$elemMatch flat fail", """{"nums":{"$elemMatch":{"$gt":10}}}""", """{"nums":[0,5,-20,8]}""", false },
        { "$elemMatch contains", """{"tags":{"$elemMatch":{"$eq":"bar"}}}""", """{"tags":["foo","bar","baz"]}""", true },
        { "$elemMatch contains fail", """{"tags":{"$elemMatch":{"$eq":"bar"}}}""", """{"tags":["foo","baz"]}""", false },
        { "$elemMatch intersection", """{"tags":{"$elemMatch":{"$in":["a","b"]}}}""", """{"tags":["d","e","b"]}""", true },
        { "$elemMatch nested pass", """{"hobbies":{"$elemMatch":{"name":{"$regex":"^ping"}}}}""", """{"hobbies":[{"name":"bowling"},{"name":"pingpong"}]}""", true },
        { "$elemMatch nested fail", """{"hobbies":{"$elemMatch":{"name":{"$regex":"^ping"}}}}""", """{"hobbies":[{"name":"bowling"},{"name":"tennis"}]}""", false },
        { "$elemMatch not array", """{"hobbies":{"$elemMatch":{"name":{"$regex":"^ping"}}}}""", """{"hobbies":"all"}""", false },
        { "$elemMatch skips falsy elements", """{"n":{"$elemMatch":{"$lt":1}}}""", """{"n":[0,5]}""", false },
        { "$not $elemMatch pass", """{"tags":{"$not":{"$elemMatch":{"$eq":"bar"}}}}""", """{"tags":["foo","baz"]}""", true },
        { "$not $elemMatch fail", """{"tags":{"$not":{"$elemMatch":{"$eq":"bar"}}}}""", """{"tags":["foo","bar"]}""", false },

        // $size
        { "$size empty pass", """{"tags":{"$size":0}}""", """{"tags":[]}""", true },
        { "$size empty fail", """{"tags":{"$size":0}}""", """{"tags":[10]}""", false },
        { "$size number pass", """{"tags":{"$size":3}}""", """{"tags":["a","b","c"]}""", true },
        { "$size too small", """{"tags":{"$size":3}}""", """{"tags":["a","b"]}""", false },
        { "$size too large", """{"tags":{"$size":3}}""", """{"tags":["a","b","c","d"]}""", false },
        { "$size not array", """{"tags":{"$size":3}}""", """{"tags":"abc"}""", false },
        { "$size nested pass", """{"tags":{"$size":{"$gt":2}}}""", """{"tags":[0,1,2]}""", true },
        { "$size nested fail", """{"tags":{"$size":{"$gt":2}}}""", """{"tags":[0,1]}""", false },

        // $type
        { "$type string pass", """{"a":{"$type":"string"}}""", """{"a":"a"}""", true },
        { "$type string fail", """{"a":{"$type":"string"}}""", """{"a":1}""", false },
        { "$type null pass", """{"a":{"$type":"null"}}""", """{"a":null}""", true },
        { "$type null missing", """{"a":{"$type":"null"}}""", """{}""", true },
        { "$type null fail", """{"a":{"$type":"null"}}""", """{"a":1}""", false },
        { "$type boolean pass", """{"a":{"$type":"boolean"}}""", """{"a":false}""", true },
        { "$type boolean fail", """{"a":{"$type":"boolean"}}""", """{"a":1}""", false },
        { "$type number pass", """{"a":{"$type":"number"}}""", """{"a":1}""", true },
        { "$type number fail", """{"a":{"$type":"number"}}""", """{"a":"a"}""", false },
        { "$type object pass", """{"a":{"$type":"object"}}""", """{"a":{"a":"b"}}""", true },
        { "$type object fail", """{"a":{"$type":"object"}}""", """{"a":[1]}""", false },
        { "$type array pass", """{"a":{"$type":"array"}}""", """{"a":[1,2]}""", true },
        { "$type array fail", """{"a":{"$type":"array"}}""", """{"a":1}""", false },
        { "$type unknown name", """{"a":{"$type":"int"}}""", """{"a":1}""", false },

        // $regex
        { "$regex pass", """{"userAgent":{"$regex":"(Mobile|Tablet)"}}""", """{"userAgent":"Android Mobile Browser"}""", true },
        { "$regex fail", """{"userAgent":{"$regex":"(Mobile|Tablet)"}}""", """{"userAgent":"Chrome Desktop Browser"}""", false },
        { "$regex anchored", """{"bday":{"$regex":"-12-25$"}}""", """{"bday":"1980-12-25"}""", true },
        { "$regex is case-sensitive", """{"name":{"$regex":"^hello"}}""", """{"name":"Hello"}""", false },
        { "$regexi is not", """{"name":{"$regexi":"^hello"}}""", """{"name":"Hello"}""", true },
        { "$regex on a number", """{"n":{"$regex":"^12"}}""", """{"n":123}""", true },
        { "$regex invalid pattern", """{"name":{"$regex":"/???***[)"}}""", """{"name":"hello"}""", false },
        { "$regex invalid pattern missing attribute", """{"name":{"$regex":"/???***[)"}}""", """{"hello":"hello"}""", false },
        { "$regex non-string pattern", """{"name":{"$regex":5}}""", """{"name":"5"}""", false },
        { "$regex long value", """{"s":{"$regex":"z$"}}""", "{\"s\":\"" + new string('a', 300) + "z\"}", true },

        // $not (operator and top level)
        { "$not operator pass", """{"name":{"$not":{"$regex":"^hello"}}}""", """{"name":"world"}""", true },
        { "$not operator fail", """{"name":{"$not":{"$regex":"^hello"}}}""", """{"name":"hello world"}""", false },
        { "$not top level pass", """{"$not":{"name":"hello"}}""", """{"name":"world"}""", true },
        { "$not top level fail", """{"$not":{"name":"hello"}}""", """{"name":"hello"}""", false },

        // $and / $or / $nor
        { "$and/$or all true", """{"$and":[{"father.age":{"$gt":65}},{"$or":[{"bday":{"$regex":"-12-25$"}},{"name":"santa"}]}]}""", """{"name":"santa","bday":"1980-12-25","father":{"age":70}}""", true },
        { "$and/$or first or true", """{"$and":[{"father.age":{"$gt":65}},{"$or":[{"bday":{"$regex":"-12-25$"}},{"name":"santa"}]}]}""", """{"name":"santa","bday":"1980-12-20","father":{"age":70}}""", true },
        { "$and/$or second or true", """{"$and":[{"father.age":{"$gt":65}},{"$or":[{"bday":{"$regex":"-12-25$"}},{"name":"santa"}]}]}""", """{"name":"barbara","bday":"1980-12-25","father":{"age":70}}""", true },
        { "$and/$or first and false", """{"$and":[{"father.age":{"$gt":65}},{"$or":[{"bday":{"$regex":"-12-25$"}},{"name":"santa"}]}]}""", """{"name":"santa","bday":"1980-12-25","father":{"age":65}}""", false },
        { "$and/$or both or false", """{"$and":[{"father.age":{"$gt":65}},{"$or":[{"bday":{"$regex":"-12-25$"}},{"name":"santa"}]}]}""", """{"name":"barbara","bday":"1980-11-25","father":{"age":70}}""", false },
        { "empty $or", """{"$or":[]}""", """{"hello":"world"}""", true },
        { "empty $and", """{"$and":[]}""", """{"hello":"world"}""", true },
        { "$nor pass", """{"$nor":[{"name":"john"},{"age":{"$lt":30}}]}""", """{"name":"jim","age":40}""", true },
        { "$nor fail both", """{"$nor":[{"name":"john"},{"age":{"$lt":30}}]}""", """{"name":"john","age":20}""", false },
        { "$nor fail first", """{"$nor":[{"name":"john"},{"age":{"$lt":30}}]}""", """{"name":"john","age":40}""", false },
        { "$nor fail second", """{"$nor":[{"name":"john"},{"age":{"$lt":30}}]}""", """{"name":"jim","age":20}""", false },
        { "$groups-style keys are plain paths", """{"$and":[{"$groups":{"$elemMatch":{"$eq":"a"}}},{"$not":{"$groups":{"$elemMatch":{"$eq":"f"}}}}]}""", """{"$groups":["a","b"]}""", true },

        // Versions
        { "$vgt/$vlt major", """{"version":{"$vgt":"9.99.8","$vlt":"11.0.1"}}""", """{"version":"10.12.13"}""", true },
        { "$vgt/$vlt minor", """{"version":{"$vgt":"10.2.11","$vlt":"10.20.11"}}""", """{"version":"10.12.11"}""", true },
        { "$vgt/$vlt patch", """{"version":{"$vgt":"10.0.2","$vlt":"10.0.20"}}""", """{"version":"10.0.12"}""", true },
        { "$vlt fail", """{"version":{"$vgt":"30.0.0","$vlt":"50.0.0"}}""", """{"version":"60.0.0"}""", false },
        { "$vgt fail", """{"version":{"$vgt":"10.30.10","$vlt":"10.30.20"}}""", """{"version":"10.30.2"}""", false },
        { "$vgte/$vlte pass at bounds", """{"version":{"$vgte":"30.1.2","$vlte":"60.1.2"}}""", """{"version":"30.1.2"}""", true },
        { "$vlte pass at bound", """{"version":{"$vgte":"1.2.30","$vlte":"1.2.60"}}""", """{"version":"1.2.60"}""", true },
        { "$vgte fail", """{"version":{"$vgte":"1.2.30","$vlte":"1.2.60"}}""", """{"version":"1.2.29"}""", false },
        { "$vlte fail", """{"version":{"$vgte":"30.1.2","$vlte":"60.1.2"}}""", """{"version":"61.1.2"}""", false },
        { "prerelease fail $vgt", """{"v":{"$vgt":"1.0.0-alpha","$vlt":"1.0.0-beta"}}""", """{"v":"1.0.0-alpha"}""", false },
        { "prerelease multiple fields", """{"v":{"$vgt":"1.0.0-alpha.2","$vlt":"1.0.0-beta.1"}}""", """{"v":"1.0.0-alpha.1"}""", false },
        { "prerelease fail $vlt", """{"v":{"$vgt":"1.0.0-alpha","$vlt":"1.0.0-beta"}}""", """{"v":"1.0.0-beta"}""", false },
        { "prerelease pass", """{"v":{"$vgt":"1.0.0-alpha","$vlt":"1.0.0-beta"}}""", """{"v":"1.0.0-alpha.10"}""", true },
        { "prerelease uppercase", """{"v":{"$vgt":"1.0.0-alpha","$vlt":"1.0.0-beta"}}""", """{"v":"1.0.0-ALPHA"}""", false },
        { "release after prerelease", """{"v":{"$vgt":"1.0.0-rc.1"}}""", """{"v":"1.0.0"}""", true },
        { "$veq pass", """{"v":{"$veq":"1.2.3"}}""", """{"v":"1.2.3"}""", true },
        { "$veq ignores build", """{"v":{"$veq":"1.2.3"}}""", """{"v":"1.2.3+build.abc.123"}""", true },
        { "$veq leading v", """{"v":{"$veq":"1.2.3"}}""", """{"v":"v1.2.3"}""", true },
        { "$veq fail", """{"v":{"$veq":"1.2.3"}}""", """{"v":"1.2.4"}""", false },
        { "$vne pass", """{"v":{"$vne":"1.2.3"}}""", """{"v":"2.2.3"}""", true },
        { "$vne prerelease", """{"v":{"$vne":"1.2.3"}}""", """{"v":"1.2.3-alpha"}""", true },
        { "$vne fail", """{"v":{"$vne":"1.2.3"}}""", """{"v":"1.2.3"}""", false },
        { "version of a number", """{"v":{"$vgt":"1.5"}}""", """{"v":2}""", true },
        { "version of missing is 0", """{"v":{"$vlt":"0.0.1"}}""", """{}""", true },

        // Unknown operators make the condition false
        { "unknown operator", """{"name":{"$regx":"hello"}}""", """{"name":"hello"}""", false },
        { "unknown operator with a valid one", """{"n":{"$gt":1,"$foo":2}}""", """{"n":5}""", false },
        { "unknown operator nested in $or", """{"$or":[{"n":{"$bogus":1}},{"n":5}]}""", """{"n":5}""", true },
        { "$inGroup without saved groups", """{"id":{"$inGroup":"g"}}""", """{"id":"1"}""", false },

        // Attributes that are not an object act as {}
        { "no attributes, $exists false", """{"a":{"$exists":false}}""", "null", true },
        { "no attributes, equality", """{"a":"x"}""", "[]", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Condition_evaluates_like_GrowthBook(string name, string condition, string attributes, bool expected)
    {
        TargetingCondition compiled = TargetingCondition.Parse(condition);
        using JsonDocument document = JsonDocument.Parse(attributes);
        Assert.True(expected == compiled.Evaluate(document.RootElement), name);
    }

    [Theory]
    [InlineData("""{"$or":{"name":"jim"}}""")]
    [InlineData("""{"$and":"x"}""")]
    [InlineData("""{"$not":5}""")]
    [InlineData("""{"a":{"$elemMatch":"x"}}""")]
    public void A_malformed_logical_operand_is_false(string condition)
    {
        using JsonDocument attributes = JsonDocument.Parse("""{"name":"jim","a":["x"]}""");
        bool result = TargetingCondition.Parse(condition).Evaluate(attributes.RootElement);
        Assert.Equal(condition.StartsWith("""{"$not""", StringComparison.Ordinal), result);
    }

    [Fact]
    public void Default_attributes_act_as_an_empty_object()
    {
        Assert.True(TargetingCondition.Parse("""{"a":{"$exists":false}}""").Evaluate(default));
        Assert.False(TargetingCondition.Parse("""{"a":"x"}""").Evaluate(default));
        Assert.True(TargetingCondition.Parse("""{"a":null}""").Evaluate(default));
    }

    [Fact]
    public void A_compiled_condition_does_not_depend_on_its_source_document()
    {
        TargetingCondition compiled;
        using (JsonDocument source = JsonDocument.Parse("""{"c":{"$in":["US","CA","DE","FR","GB"]},"p":{"o":[1,{"x":"y"}]},"v":{"$vgte":"1.2.0"}}"""))
        {
            Assert.True(TargetingCondition.TryCompile(source.RootElement, out TargetingCondition? c, out _));
            compiled = c!;
        }
        using JsonDocument attributes = JsonDocument.Parse("""{"c":"GB","p":{"o":[1,{"x":"y"}]},"v":"1.10.0"}""");
        Assert.True(compiled.Evaluate(attributes.RootElement));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"country\"")]
    [InlineData("5")]
    public void A_condition_that_is_not_an_object_does_not_compile(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        Assert.False(TargetingCondition.TryCompile(document.RootElement, out _, out string? error));
        Assert.NotNull(error);
    }

    [Fact]
    public void A_pathological_regex_times_out_as_false()
    {
        TargetingCondition compiled = TargetingCondition.Parse("""{"s":{"$regex":"^(a+)+$"}}""");
        using JsonDocument document = JsonDocument.Parse("{\"s\":\"" + new string('a', 40) + "!\"}");
        Assert.False(compiled.Evaluate(document.RootElement));
    }
}
