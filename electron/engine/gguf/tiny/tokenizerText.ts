/**
 * What the generated tokenizer knows: English words (general, chat, medical, legal) that become whole tokens,
 * and common Chinese characters. Everything else falls back to single characters or UTF-8 byte tokens.
 */
export const WORDS = `the of and to a in is it you that he was for on are with as I his they be at one have this from or had by
word but what some we can out other were all there when up use your how said an each she which do their time if will way about
many then them write would like so these her long make thing see him two has look more day could go come did number sound no most
people my over know water than call first who may down side been now find any new work part take get place made live where after
back little only round man year came show every good me give our under name very through just form sentence great think say help
low line differ turn cause much mean before move right boy old too same tell does set three want air well also play small end put
home read hand port large spell add even land here must big high such follow act why ask men change went light kind off need house
picture try us again animal point mother world near build self earth father answer question yes please thank hello hi sorry sure
patient doctor nurse clinic hospital diagnosis treatment symptom symptoms pain fever blood pressure heart dose medication drug daily
mg twice test result results chest history allergy allergies risk chronic acute care follow-up discharge note notes record code
contract law legal court case party parties agreement clause section article liability damages claim plaintiff defendant judge
counsel evidence breach term terms notice payment shall rights obligation policy privacy data confidential document documents
summary summarize explain answer answers user assistant system instruction input output example examples response list table
is are was not yes no true false what when where which who why how capital city country France Paris Germany Berlin Japan Tokyo
China Beijing color red blue green one two three four five six seven eight nine ten zero number`.split(/\s+/);

export const CHINESE_CHARACTERS =
  // Domain characters (medical, legal) first: the smallest vocabularies keep only the first ones.
  "病医药患者治疗症状诊断血压心脏剂量每日检查结果过敏合同律师法院条款责任赔偿证据违约当事人隐私数据文件回答问题烧痛咳嗽" +
  "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴";

export const CHINESE_PUNCTUATION = "，。？！：；、“”（）《》";
